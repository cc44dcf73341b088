export { chiSquareSf, gammaSf, logGamma, normalSf, pearson3Sf } from './distributions.js';
export { benjaminiHochberg, chiSquareShares, fisherExact, twoProportion, type Count } from './proportions.js';
export { mannWhitney, normalPValue, type Alternative, type TestResult } from './rank-tests.js';
export {
  mean,
  permutationTail,
  permutationTest,
  quantileBootstrapTest,
  quantileDifferenceCi,
  quantileExceedanceTest,
  quantileOf,
  type BootstrapInterval,
} from './resampling.js';
export {
  calibrateThreshold,
  calibratedCusum,
  cusum,
  pageHinkley,
  type SequentialResult,
} from './sequential.js';
