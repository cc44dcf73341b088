export { MemorySpanQueue, type MemorySpanQueueOptions } from './memory-span-queue.js';
