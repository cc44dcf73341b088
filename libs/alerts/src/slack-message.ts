import type { KnownBlock } from '@slack/types';
import type { AlertMessage } from '@driftwatch/contracts';

/** Slack's limits (api.slack.com/reference/block-kit): past them the whole message is refused. */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  buttonText: 75,
  url: 3000,
  fallbackText: 3000,
} as const;

const SEVERITY_MARK: Record<AlertMessage['severity'], string> = {
  info: ':information_source: info',
  warning: ':warning: warning',
  critical: ':rotating_light: critical',
};

export interface SlackPayload {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks: KnownBlock[];
}

/** The Block Kit message for an incoming webhook: header, what changed, key figures, a link, and context. */
export function slackMessage(message: AlertMessage, projectId: string): SlackPayload {
  const dimension = message.dimension
    ? `  ·  *${escape(message.dimension.name)}:* ${escape(message.dimension.value)}`
    : '';
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(message.title, SLACK_LIMITS.headerText) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(
          `*${SEVERITY_MARK[message.severity]}*${dimension}\n${escape(message.summary)}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    },
  ];
  const figures = message.figures.slice(0, SLACK_LIMITS.fields);
  if (figures.length > 0) {
    blocks.push({
      type: 'section',
      fields: figures.map((f) => ({
        type: 'mrkdwn' as const,
        text: cut(`*${escape(f.label)}*\n${escape(f.value)}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  if (message.link && message.link.length <= SLACK_LIMITS.url) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in Driftwatch' },
          url: message.link,
          action_id: 'open',
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Driftwatch · project ${escape(projectId)} · ${message.occurredAt}` }],
  });
  // The top-level text is read as mrkdwn too.
  const fallback = escape(`[${message.severity}] ${message.title}: ${message.summary}`);
  return { text: cut(fallback, SLACK_LIMITS.fallbackText), blocks };
}

/** Slack's mrkdwn treats &, < and > as control characters (links, mentions). */
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** At most max characters (code points), with an ellipsis when cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
