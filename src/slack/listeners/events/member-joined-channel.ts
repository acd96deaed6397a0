import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import {
  type Boundary,
  handlePartnerJoin,
  type JoinAction,
  recordJoinOutcome,
} from '../../../services/gating-service.js';
import {
  operatorWarnNotice,
  partnerRemovedNotice,
  partnerWarnedNotice,
} from '../../blocks/gating.js';
import type { FailedStep } from '../../blocks/slack-error.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { ACTIVATION } from '../../ids.js';
import { attempt, reportSlackFailures } from '../../slack-error-reporter.js';

/**
 * A partner user joining a gated partner channel is removed (`AMOS_GATING_MODE=enforce`) or
 * warned (`warn`): `boundary.partner_joined` is recorded first, and `boundary.partner_removed` /
 * `boundary.partner_warned` only once Slack has done it. Anyone else is left alone. A Slack call
 * that fails is recorded as a `slack.error` and reported to the operator.
 */
export function registerMemberJoinedChannel(app: App, deps: SlackDeps): void {
  app.event(ACTIVATION.memberJoinedEvent, async ({ event, client, context }) => {
    const teamId = context.teamId ?? event.team;
    if (!teamId || event.user === context.botUserId) return;
    try {
      const outcome = await handlePartnerJoin(deps.services.deps, {
        teamId,
        channelId: event.channel,
        userId: event.user,
        mode: deps.config.gatingMode,
      });
      if (outcome.action === 'none') return;
      const done = (action: JoinAction) => recordOutcome(deps, teamId, event.user, outcome, action);
      const failed =
        outcome.action === 'remove'
          ? await removePartner(client, outcome, event.user, done)
          : await warnPartner(client, outcome, event.user, done);
      await reportSlackFailures(client, deps, {
        teamId,
        actorId: event.user,
        engagement: { id: outcome.engagement.id, slug: outcome.engagement.slug },
        recipients: [outcome.engagement.operatorId],
        steps: failed,
      });
    } catch (error) {
      unexpectedFailure(deps.logger, error, ACTIVATION.memberJoinedEvent);
    }
  });
}

type Done = (action: JoinAction) => Promise<void>;

/** Appends the outcome record; a failure to record is logged with a correlation id, not thrown. */
async function recordOutcome(
  deps: SlackDeps,
  teamId: string,
  userId: string,
  boundary: Boundary,
  action: JoinAction,
): Promise<void> {
  try {
    await recordJoinOutcome(deps.services.deps, {
      teamId,
      userId,
      engagement: boundary.engagement,
      action,
      joinedSeq: boundary.record.seq,
    });
  } catch (error) {
    unexpectedFailure(deps.logger, error, `${ACTIVATION.memberJoinedEvent} ${action} record`);
  }
}

async function removePartner(client: WebClient, boundary: Boundary, userId: string, done: Done) {
  const { slug } = boundary.engagement;
  const channel = boundary.engagement.partnerChannelId;
  const failed: FailedStep[] = [];
  const kicked = await attempt(() => client.conversations.kick({ channel, user: userId }));
  if (!kicked.ok) {
    failed.push({
      method: 'conversations.kick',
      error: kicked.error,
      attempted: `remove partner <@${userId}> from <#${channel}>`,
      manualFix: `Remove <@${userId}> from <#${channel}> by hand: the channel is gated, so partners may not be there yet.`,
      channelId: channel,
      userId,
    });
    return failed;
  }
  await done('remove');
  const told = await attempt(() =>
    client.chat.postMessage({
      channel: userId,
      text: partnerRemovedNotice(slug, channel, boundary.reason),
    }),
  );
  if (!told.ok) {
    failed.push({
      method: 'chat.postMessage',
      error: told.error,
      attempted: `tell <@${userId}> why they were removed from <#${channel}>`,
      manualFix: `Let <@${userId}> know the partner channel opens at activation.`,
      userId,
    });
  }
  return failed;
}

// Warn mode records `boundary.partner_warned` after the warning was posted, as removal does.
async function warnPartner(client: WebClient, boundary: Boundary, userId: string, done: Done) {
  const { slug, operatorId } = boundary.engagement;
  const channel = boundary.engagement.partnerChannelId;
  const failed: FailedStep[] = [];
  const warned = await attempt(() =>
    client.chat.postEphemeral({
      channel,
      user: userId,
      text: partnerWarnedNotice(slug, boundary.reason),
    }),
  );
  if (!warned.ok) {
    failed.push({
      method: 'chat.postEphemeral',
      error: warned.error,
      attempted: `warn partner <@${userId}> in <#${channel}>`,
      manualFix: `Tell <@${userId}> the channel is not open to partners yet, or remove them.`,
      channelId: channel,
      userId,
    });
  } else {
    await done('warn');
  }
  // The operator is told privately: a notice in the gated channel would be read by the
  // partner it is about, and an operator outside the channel would never see it.
  const noticed = await attempt(() =>
    client.chat.postMessage({
      channel: operatorId,
      text: operatorWarnNotice(channel, userId, slug, boundary.reason),
    }),
  );
  if (!noticed.ok) {
    failed.push({
      method: 'chat.postMessage',
      error: noticed.error,
      attempted: `tell the operator <@${operatorId}> that partner <@${userId}> joined <#${channel}>`,
      manualFix: `Partner <@${userId}> joined <#${channel}> while it is gated: remove them by hand if they should not be there.`,
      channelId: channel,
      userId,
    });
  }
  return failed;
}
