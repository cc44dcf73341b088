export {
  Driftwatch,
  currentSpanId,
  currentTraceId,
  feedback,
  flush,
  init,
  shutdown,
  type DriftwatchOptions,
} from './client.js';
export { contextWith, currentContext, withContext, type DriftwatchContext } from './context.js';
export {
  DriftwatchError,
  FeedbackDeliveryError,
  FeedbackQueueFullError,
  FeedbackValidationError,
} from './errors.js';
export type { FeedbackInput } from './feedback/item.js';
export type { FeedbackQueueOptions, FeedbackStats } from './feedback/queue.js';
export { driftwatchSpanProcessors, type InstrumentationOptions, type TracingOptions } from './tracing.js';
