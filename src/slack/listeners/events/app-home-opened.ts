import type { App } from '@slack/bolt';
import { homeView } from '../../blocks/home.js';
import { EVENTS } from '../../ids.js';
import { SUBCOMMANDS } from '../commands/index.js';

export function registerAppHomeOpened(app: App): void {
  app.event(EVENTS.appHomeOpened, async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: homeView(event.user, SUBCOMMANDS) });
  });
}
