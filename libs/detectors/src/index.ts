export { detect } from './detect.js';
export {
  domainClassifierAuc,
  domainClassifierBaseline,
  meanDistanceTest,
  meanVectorDistanceBaseline,
  mmdTest,
  type DriftTest,
} from './embedding-drift.js';
export { severity } from './candidate.js';
export * from './stats/index.js';
