/** Nest DI tokens; injected explicitly because the build does not emit decorator metadata. */
export const PIPELINE = Symbol('PIPELINE');
export const OTLP_HTTP = Symbol('OTLP_HTTP');
export const VERSION = Symbol('VERSION');
