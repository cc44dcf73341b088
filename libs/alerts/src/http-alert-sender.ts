import type { AlertDestination, AlertNotification, AlertSender, SendOutcome } from '@driftwatch/contracts';
import { type AddressGuard, RefusedDestinationError } from './address-guard.js';
import { guardedPost, type PostAnswer } from './guarded-http.js';
import { parseRetryAfter } from './retry-policy.js';
import { slackMessage } from './slack-message.js';
import { signedWebhookRequest } from './webhook-message.js';

export interface HttpAlertSenderOptions {
  guard: AddressGuard;
  timeoutMs: number;
  maxResponseBytes: number;
  userAgent: string;
  now?: () => number;
}

/**
 * Sends to Slack incoming webhooks and Standard Webhooks receivers over HTTP(S), through the address guard.
 * Errors name the status and the receiver's first words, never the URL (it is a secret for Slack).
 */
export class HttpAlertSender implements AlertSender {
  private readonly now: () => number;

  constructor(private readonly options: HttpAlertSenderOptions) {
    this.now = options.now ?? Date.now;
  }

  async send(destination: AlertDestination, notification: AlertNotification): Promise<SendOutcome> {
    let request: { body: string; headers: Record<string, string> };
    try {
      request =
        destination.kind === 'slack'
          ? { body: JSON.stringify(slackMessage(notification.message, notification.projectId)), headers: {} }
          : signedWebhookRequest(notification, destination.signingSecret, new Date(this.now()));
    } catch (error) {
      // A malformed secret will not heal by waiting.
      return {
        status: 'permanent',
        latencyMs: 0,
        error: `cannot build the request: ${(error as Error).message}`,
      };
    }
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    let answer: PostAnswer;
    try {
      answer = await guardedPost(
        destination.url,
        request.body,
        { 'content-type': 'application/json', 'user-agent': this.options.userAgent, ...request.headers },
        this.options,
      );
    } catch (error) {
      const text = (error as Error).message;
      if (error instanceof RefusedDestinationError)
        return { status: 'permanent', latencyMs: latency(), error: text };
      return { status: 'retryable', latencyMs: latency(), error: text };
    }
    return classify(answer, latency(), this.now());
  }
}

/** 2xx delivered; 408, 425, 429 and 5xx worth retrying (after Retry-After); the rest will not change. */
export function classify(answer: PostAnswer, latencyMs: number, nowMs: number): SendOutcome {
  const { statusCode } = answer;
  if (statusCode >= 200 && statusCode < 300) return { status: 'delivered', statusCode, latencyMs };
  const said = answer.body.trim().slice(0, 200);
  const error = `HTTP ${statusCode}${said ? `: ${said}` : ''}`;
  if (statusCode >= 300 && statusCode < 400)
    return { status: 'permanent', statusCode, latencyMs, error: `${error} (redirects are not followed)` };
  if (statusCode === 408 || statusCode === 425 || statusCode === 429 || statusCode >= 500) {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], nowMs);
    return {
      status: 'retryable',
      statusCode,
      latencyMs,
      error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  return { status: 'permanent', statusCode, latencyMs, error };
}
