export * from './errors.js';
export * from './lifecycle.js';
export type * from './otlp.js';
export type * from './queue.js';
export type * from './read-model.js';
export type * from './span-record.js';
export type * from './store.js';
export type * from './auth.js';
export type * from './embedder.js';
