import type { App } from '@slack/bolt';
import { homeOpened } from '../../../services/follow-up.js';
import type { SlackDeps } from '../../context.js';
import { eventListener } from '../../event-ack.js';
import { EVENTS } from '../../ids.js';

/** App Home opened: its publish is the coalesced publish-home job (never a call from here). */
export function registerAppHomeOpened(app: App, deps: SlackDeps): void {
  app.event(
    EVENTS.appHomeOpened,
    eventListener(deps, EVENTS.appHomeOpened, async ({ event, context }, deps) => {
      if (event.tab !== 'home' || !context.teamId) return;
      await homeOpened(deps.services.deps, context.teamId, event.user);
    }),
  );
}
