export {
  AddressGuard,
  RefusedDestinationError,
  type ResolvedAddress,
  type Resolver,
} from './address-guard.js';
export { guardedPost, type GuardedPostOptions, type PostAnswer } from './guarded-http.js';
export { HttpAlertSender, classify, type HttpAlertSenderOptions } from './http-alert-sender.js';
export { DEFAULT_RETRY_POLICY, nextStep, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
export { AesGcmSecretCipher, parseSecretKey } from './secret-box.js';
export { SLACK_LIMITS, slackMessage, type SlackPayload } from './slack-message.js';
export { newWebhookSecret, signedWebhookRequest } from './webhook-message.js';
export { episodeOf, evaluateRule, ruleNotificationId, ruleTransition } from './rule-evaluation.js';
export { formatMetric, ruleMessage } from './rule-message.js';
export {
  alertSeverity,
  problemMessage,
  problemNotificationId,
  problemNotifications,
  routeMatches,
  textSparkline,
  wantsReminders,
  type ProblemNotification,
  type ProblemTransition,
} from './problem-routing.js';
