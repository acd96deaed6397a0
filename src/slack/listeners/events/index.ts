import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import { registerMemberJoinedChannel } from './member-joined-channel.js';
import { registerGatedMessage } from './message.js';
import { registerUserChange } from './user-change.js';

/**
 * Bolt does not de-duplicate Slack's redeliveries (X-Slack-Retry-Num): each Events API
 * event_id is claimed in the database first, and a delivery already claimed stops here.
 */
export function dedupeEvents(deps: SlackDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const envelope = body as {
      type?: string;
      event_id?: string;
      team_id?: string;
      event?: { type?: string };
    };
    if (envelope.type !== 'event_callback' || !envelope.event_id) return next();
    const teamId = context.teamId ?? envelope.team_id ?? 'unknown';
    const first = await deps.services.workspaces.claimEvent(
      teamId,
      envelope.event_id,
      envelope.event?.type ?? 'unknown',
    );
    if (!first) {
      deps.logger.info(
        {
          eventId: envelope.event_id,
          retryNum: context.retryNum,
          retryReason: context.retryReason,
        },
        'duplicate event delivery ignored',
      );
      return;
    }
    return next();
  };
}

export function registerEvents(app: App, deps: SlackDeps): void {
  app.use(dedupeEvents(deps));
  registerAppHomeOpened(app, deps);
  registerMemberJoinedChannel(app, deps);
  registerGatedMessage(app, deps);
  registerUserChange(app, deps);
}
