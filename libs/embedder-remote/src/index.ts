export { RemoteEmbedder } from './remote-embedder.js';
export { remoteEmbedderOptionsFromEnv, type RemoteEmbedderOptions, type RetryEvent } from './options.js';
