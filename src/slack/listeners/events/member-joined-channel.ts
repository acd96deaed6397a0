import type { App } from '@slack/bolt';
import { handlePartnerJoin } from '../../../services/gating-service.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { ACTIVATION } from '../../ids.js';

/**
 * A partner user joining a gated partner channel is removed (`AMOS_GATING_MODE=enforce`) or
 * warned (`warn`). The gating service decides and records `boundary.partner_joined` with the
 * enforce-channel-gate job that carries it out (src/jobs/enforce-channel-gate.ts: the kick or
 * warning, `boundary.partner_removed` / `boundary.partner_warned` once Slack did it, and a
 * refusal recorded as `slack.error` and reported to the operator). Anyone else is left alone.
 */
export function registerMemberJoinedChannel(app: App, deps: SlackDeps): void {
  app.event(ACTIVATION.memberJoinedEvent, async ({ event, context }) => {
    const teamId = context.teamId ?? event.team;
    if (!teamId || event.user === context.botUserId) return;
    try {
      await handlePartnerJoin(deps.services.deps, {
        teamId,
        channelId: event.channel,
        userId: event.user,
        mode: deps.config.gatingMode,
      });
    } catch (error) {
      unexpectedFailure(deps.logger, error, ACTIVATION.memberJoinedEvent);
    }
  });
}
