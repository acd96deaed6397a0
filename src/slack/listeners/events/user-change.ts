import type { App } from '@slack/bolt';
import { rememberUserProfile } from '../../../services/user-profile-service.js';
import type { SlackDeps } from '../../context.js';
import { eventListener } from '../../event-ack.js';
import { EVENTS } from '../../ids.js';

/**
 * A user's profile changed (their time zone among it): the cached zone is replaced at once. One
 * upsert, no change record, so nothing stores the event id: a redelivery writes the same zone.
 */
export function registerUserChange(app: App, deps: SlackDeps): void {
  app.event(
    EVENTS.userChange,
    eventListener(deps, EVENTS.userChange, async ({ event, context }, deps) => {
      const user = event.user as { id?: string; tz?: string; team_id?: string; is_bot?: boolean };
      const teamId = context.teamId ?? user.team_id;
      if (!teamId || !user.id || user.is_bot) return;
      await rememberUserProfile(deps.services.deps, {
        teamId,
        userId: user.id,
        timeZone: typeof user.tz === 'string' && user.tz ? user.tz : null,
      });
    }),
  );
}
