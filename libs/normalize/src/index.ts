export { normalizeTraceRequest } from './normalize.js';
export type { NormalizeOptions, NormalizeResult, RejectedSpan } from './normalize.js';
export { costForUsage, costUsd, loadDefaultPriceTable } from './pricing/cost.js';
export { findPrice, modelCandidates } from './pricing/match.js';
export type { ModelPrice, PriceTable } from './pricing/types.js';
export { normalizeProvider } from './provider.js';
export type { GenAiLogRecord } from './log-events.js';
export { messagesFromLogRecords, type LogMessages } from './log-messages.js';
