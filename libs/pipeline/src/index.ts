export { BatchingWriter, type BatchingWriterOptions } from './batching-writer.js';
