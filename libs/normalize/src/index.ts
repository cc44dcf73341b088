export { normalizeTraceRequest } from './normalize.js';
export type { NormalizeOptions, NormalizeResult, RejectedSpan } from './normalize.js';
export { Pricer } from './pricing/pricer.js';
export type { TokenCounter } from './estimate.js';
export type { GenAiLogRecord } from './log-events.js';
export { messagesFromLogRecords, type LogMessages } from './log-messages.js';
