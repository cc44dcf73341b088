/** Nest DI tokens; injected explicitly because the build does not emit decorator metadata. */
export const PIPELINE = Symbol('PIPELINE');
export const RECEIVER = Symbol('RECEIVER');
export const VERSION = Symbol('VERSION');
