import type { WebClient } from '@slack/web-api';
import { engagementLabel } from '../domain/engagement.js';
import { linkPartnerChannel } from '../services/engagement-service.js';
import { recordSlackError } from '../services/slack-error-service.js';
import type { FailedStep } from './blocks/slack-error.js';
import type { SlackDeps } from './context.js';
import { attempt, reportSlackFailures } from './slack-error-reporter.js';

interface Target {
  readonly teamId: string;
  /** Who asked (the creator); named as actor in the records and told by DM. */
  readonly userId: string;
  readonly engagement: { readonly id: string; readonly slug: string; readonly operator_id: string };
  readonly botUserId?: string;
}

/**
 * Creates the private partner channel after the engagement committed, links it in its own
 * change, and adds the creator and operator. A Slack refusal (`name_taken`, ...) is recorded as
 * `slack.error` and explained to the creator by DM; the engagement stays, without a channel.
 * Returns the linked channel id, or null when none could be created.
 */
export async function createPartnerChannel(
  client: WebClient,
  deps: SlackDeps,
  target: Target,
  name: string,
): Promise<string | null> {
  const label = engagementLabel(target.engagement.slug);
  const created = await attempt(() => client.conversations.create({ name, is_private: true }));
  const channelId = created.ok ? created.value.channel?.id : undefined;
  if (!channelId) {
    await report(client, deps, target, {
      method: 'conversations.create',
      error: created.ok ? 'no_channel_returned' : created.error,
      attempted: `create the private partner channel #${name}`,
      manualFix: `${label} is saved in draft and nothing is lost. Press *Link partner channel* to try another name or pick an existing channel.`,
    });
    return null;
  }
  await linkPartnerChannel(deps.services.deps, {
    teamId: target.teamId,
    userId: target.userId,
    engagementId: target.engagement.id,
    channelId,
    created: true,
  });
  const people = [...new Set([target.userId, target.engagement.operator_id])].filter(
    (id) => id !== target.botUserId,
  );
  const invited = await attempt(() =>
    client.conversations.invite({ channel: channelId, users: people.join(',') }),
  );
  if (!invited.ok && invited.error !== 'already_in_channel') {
    await report(client, deps, target, {
      method: 'conversations.invite',
      error: invited.error,
      attempted: `add you and the operator to <#${channelId}>`,
      manualFix: `The channel is created and linked to ${label}; ask a member of it to add you.`,
      channelId,
    });
  }
  return channelId;
}

/**
 * After an existing channel was linked: checks that AMOS can work in it (it must be a member to
 * gate it and invite the partner at activation). Returns what the creator should do, or nothing.
 */
export async function checkLinkedChannel(
  client: WebClient,
  deps: SlackDeps,
  target: Target,
  channelId: string,
): Promise<string | undefined> {
  const info = await attempt(() => client.conversations.info({ channel: channelId }));
  if (info.ok && info.value.channel?.is_member) return undefined;
  const addAmos = `Add AMOS to <#${channelId}> (type \`/invite @AMOS\` there) so it can gate the channel and invite the partner at activation.`;
  if (info.ok)
    return `:information_source: AMOS is not a member of <#${channelId}> yet. ${addAmos}`;
  try {
    await recordSlackError(deps.services.deps, {
      teamId: target.teamId,
      userId: target.userId,
      engagementId: target.engagement.id,
      method: 'conversations.info',
      error: info.error,
      attempted: `see the linked partner channel <#${channelId}>`,
      details: { channel: channelId },
    });
  } catch (error) {
    deps.logger.error({ err: String(error) }, 'could not record a slack.error');
  }
  return `:warning: AMOS cannot see <#${channelId}> (Slack said \`${info.error}\`): it is private and AMOS is not in it. ${addAmos}`;
}

async function report(
  client: WebClient,
  deps: SlackDeps,
  target: Target,
  step: FailedStep,
): Promise<void> {
  await reportSlackFailures(client, deps, {
    teamId: target.teamId,
    actorId: target.userId,
    engagement: { id: target.engagement.id, slug: target.engagement.slug },
    recipients: [target.userId],
    steps: [step],
  });
}
