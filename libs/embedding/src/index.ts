export {
  callTexts,
  DEFAULT_CALL_TEXT_OPTIONS,
  type CallText,
  type CallTextOptions,
  type CallTexts,
  type EmbeddedField,
} from './call-texts.js';
export { clientVectors, type ClientVector, type ClientVectors } from './client-vectors.js';
export { dot, l2Normalize, sameModel } from './vectors.js';
export {
  AdaptiveSampler,
  BoundedQueue,
  sampleWeight,
  SamplingLedger,
  WINDOW_MS,
  type SamplerOptions,
} from './stage-sampling.js';
