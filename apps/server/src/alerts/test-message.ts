import type { AlertMessage } from '@driftwatch/contracts';

/** What "send test message" sends: shaped like a real alert, so the receiver sees every part. */
export function testMessage(destinationName: string, projectId: string): AlertMessage {
  return {
    type: 'test',
    title: 'Driftwatch test alert',
    severity: 'info',
    summary: `A test message for destination "${destinationName}". Real alerts say what changed, with the numbers.`,
    figures: [
      { label: 'Project', value: projectId },
      { label: 'Destination', value: destinationName },
    ],
    occurredAt: new Date().toISOString(),
  };
}
