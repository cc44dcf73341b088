export { ChildProcessEmbedder, type ChildProcessEmbedderOptions } from './child-embedder.js';
export { LocalEmbedder, type LocalEmbedderOptions } from './local-embedder.js';
export { defaultModelDir, readModelFiles, type ModelFiles } from './model-files.js';
