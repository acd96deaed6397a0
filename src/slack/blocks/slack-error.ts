import type { KnownBlock } from '@slack/types';
import { engagementLabel } from '../../domain/engagement.js';
import { joinAnd } from '../../domain/text.js';
import { ACTIVATION } from '../ids.js';
import { context, type Rendered, SECTION_TEXT_MAX, section, truncate } from './text.js';

/** One Slack call that failed, and what a person can do by hand to finish it. */
export interface FailedStep {
  readonly method: string;
  readonly error: string;
  /** Follows "AMOS could not": "invite <@U1> to <#C1>". */
  readonly attempted: string;
  /** What to do once the cause is fixed: "Invite <@U1> to <#C1> by hand." */
  readonly manualFix: string;
  /** The channel concerned, to name it in the explanation. */
  readonly channelId?: string;
  /** The person concerned (invited, removed, notified), when there is one. */
  readonly userId?: string;
}

/** Why Slack refused, and how to remove the cause, per Slack error code. */
export function explainSlackError(error: string, channelId?: string): string {
  const channel = channelId ? `<#${channelId}>` : 'the channel';
  switch (error) {
    case 'not_in_channel':
      return `AMOS is not a member of ${channel} (or the person is not). Add AMOS there with \`/invite @AMOS\`.`;
    case 'channel_not_found':
      return `Slack can't find ${channel} for AMOS: it was deleted, or it is private and AMOS is not in it. Add AMOS to it, or link another partner channel.`;
    case 'is_archived':
      return `${channel} is archived. Unarchive it, or link another partner channel.`;
    case 'cant_invite':
      return 'Slack would not let AMOS invite this person (a guest restricted to other channels, a deactivated account, or an external user). A workspace admin can check their account.';
    case 'user_not_found':
      return 'This person is not a user of this workspace (any more). Remove them from the partner organisation with `/amos partner`, or add their correct account.';
    case 'restricted_action':
      return 'Your workspace settings do not let apps do this in that channel. A workspace admin can allow it under Settings & administration → Workspace settings → Permissions, or do it by hand.';
    case 'missing_scope':
      return 'AMOS lacks the Slack permission (scope) for this. Reinstall AMOS from its manifest so it gets every scope it declares.';
    case 'cant_kick_self':
      return 'AMOS cannot remove itself from a channel.';
    case 'cant_kick_from_general':
      return 'Nobody can be removed from the workspace-wide channel; use a private partner channel.';
    case 'ratelimited':
    case 'request_failed':
      return 'Slack did not answer in time or asked AMOS to slow down. It usually works a moment later.';
    default:
      return `Slack answered \`${error}\`. If it keeps happening, give your admin this code.`;
  }
}

export interface NoticeOptions {
  /** Steps not attempted because an earlier failure blocked the channel. */
  readonly notDone?: readonly string[];
  /** The value of a "Retry the set-up" button (activation only), when one is offered. */
  readonly retryValue?: string;
}

/** The DM to the executive and operator: what failed, why, and what to do, for each step. */
export function slackErrorNotice(
  slug: string,
  steps: readonly FailedStep[],
  options: NoticeOptions = {},
): Rendered {
  const name = engagementLabel(slug);
  const entries = steps.map((step) =>
    truncate(
      [
        `:warning: *AMOS could not ${step.attempted}* (${name}).`,
        `*What failed:* \`${step.method}\` answered \`${step.error}\`.`,
        `*Why:* ${explainSlackError(step.error, step.channelId)}`,
        `*What to do:* ${step.manualFix}`,
      ].join('\n'),
      SECTION_TEXT_MAX,
    ),
  );
  const shown = entries.slice(0, 40);
  const notDone = options.notDone ?? [];
  const blocks: KnownBlock[] = [
    ...shown.map((text) => section(text)),
    ...(entries.length > shown.length
      ? [section(`…and ${entries.length - shown.length} more; see \`/amos log ${slug}\`.`)]
      : []),
    ...(notDone.length > 0
      ? [
          section(
            truncate(
              `*Not attempted because of that:* ${joinAnd([...notDone])}. Fix the cause above, then press *Retry the set-up*.`,
              SECTION_TEXT_MAX,
            ),
          ),
        ]
      : []),
    ...(options.retryValue
      ? [
          {
            type: 'actions' as const,
            block_id: ACTIVATION.retrySetupBlock,
            elements: [
              {
                type: 'button' as const,
                action_id: ACTIVATION.retrySetupAction,
                text: { type: 'plain_text' as const, text: 'Retry the set-up' },
                value: options.retryValue,
              },
            ],
          },
        ]
      : []),
    context('Each failure is written to the decision record as a `slack.error`.'),
  ];
  return {
    text: `AMOS could not ${steps[0]?.attempted ?? 'finish a Slack step'} for ${name}${steps.length > 1 ? ` (and ${steps.length - 1} more)` : ''}.`,
    blocks,
  };
}
