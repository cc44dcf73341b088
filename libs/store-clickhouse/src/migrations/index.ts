import { spansTable } from './001-spans.js';
import { traceIndex } from './002-trace-index.js';
import { projectsAndKeys } from './003-projects-and-keys.js';
import { deadLetters } from './004-dead-letters.js';
import { usersAndSessions } from './005-users-and-sessions.js';
import { llmLogEvents } from './006-llm-log-events.js';
import { usageEstimatesAndPrices } from './007-usage-estimates-and-prices.js';
import { alerts } from './010-alerts.js';
import { embeddingSampling } from './012-embedding-sampling.js';
import { problems } from './013-problems.js';
import { topics } from './014-topics.js';
import { feedback } from './015-feedback.js';
import { reviewAndDatasets } from './016-review-and-datasets.js';
import { problemRoutes } from './017-problem-routes.js';
import { traceSummary } from './018-trace-summary.js';
import { alertSubjectsAndCooldown } from './019-alert-subjects-and-cooldown.js';
import { metricsRollup } from './020-metrics-rollup.js';
import { traceValues } from './021-trace-values.js';
import { compactSpanParts } from './023-compact-span-parts.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';
export const migrations: readonly Migration[] = [
  spansTable,
  traceIndex,
  projectsAndKeys,
  deadLetters,
  usersAndSessions,
  llmLogEvents,
  usageEstimatesAndPrices,
  alerts,
  embeddingSampling,
  problems,
  topics,
  feedback,
  reviewAndDatasets,
  problemRoutes,
  traceSummary,
  alertSubjectsAndCooldown,
  metricsRollup,
  traceValues,
  compactSpanParts,
];
