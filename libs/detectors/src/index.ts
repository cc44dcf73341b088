export { detect } from './detect.js';
export {
  classifierTest,
  domainClassifierAuc,
  domainClassifierBaseline,
  meanDistanceTest,
  meanVectorDistanceBaseline,
  mmdTest,
  type DriftTest,
} from './embedding-drift.js';
export { severity } from './candidate.js';
export * from './stats/index.js';
