import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';
import { publishHomes } from '../../home-publisher.js';
import { EVENTS } from '../../ids.js';

export function registerAppHomeOpened(app: App, deps: SlackDeps): void {
  app.event(EVENTS.appHomeOpened, async ({ event, client, context }) => {
    if (event.tab !== 'home' || !context.teamId) return;
    await publishHomes(client, deps.services.deps, deps.logger, context.teamId, [event.user]);
  });
}
