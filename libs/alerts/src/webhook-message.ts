import { Webhook } from 'standardwebhooks';
import type { AlertNotification } from '@driftwatch/contracts';

/**
 * A Standard Webhooks request (standardwebhooks.com): the JSON body { type, timestamp, data } and the
 * webhook-id (the notification id, the same on every resend so receivers can drop duplicates),
 * webhook-timestamp (now, in seconds) and webhook-signature (v1, HMAC-SHA256 of "id.timestamp.body" with the
 * destination's whsec_ secret) headers. A receiver verifies with `new Webhook(secret).verify(body, headers)`.
 */
export function signedWebhookRequest(
  notification: AlertNotification,
  secret: string,
  now: Date,
): { body: string; headers: Record<string, string> } {
  const { message } = notification;
  const body = JSON.stringify({
    type: message.type,
    timestamp: now.toISOString(),
    data: {
      notificationId: notification.notificationId,
      projectId: notification.projectId,
      ...message,
    },
  });
  const id = notification.notificationId;
  const signature = new Webhook(secret).sign(id, now, body);
  return {
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}

/** A new per-destination secret: `whsec_` and 32 random bytes in base64 (shown to the user once). */
export function newWebhookSecret(random: (size: number) => Buffer): string {
  return `whsec_${random(32).toString('base64')}`;
}
