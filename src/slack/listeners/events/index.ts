import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import { registerMemberJoinedChannel } from './member-joined-channel.js';
import { registerGatedMessage } from './message.js';
import { registerUserChange } from './user-change.js';

/**
 * Events API listeners. Each is wrapped by `eventListener` (src/slack/event-ack.ts): the event
 * is acked after it returns, its change stores the event id in its own transaction, so that a
 * redelivery of an event already handled changes nothing, and one the database did not take is
 * answered 503 for Slack to deliver again. None calls the Slack Web API; their effects are jobs.
 */
export function registerEvents(app: App, deps: SlackDeps): void {
  registerAppHomeOpened(app, deps);
  registerMemberJoinedChannel(app, deps);
  registerGatedMessage(app, deps);
  registerUserChange(app, deps);
}
