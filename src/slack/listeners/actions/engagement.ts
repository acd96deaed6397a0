import type { SlackDeps } from '../../context.js';
import type { ListenerRoutes } from '../routes.js';
import { registerLinkChannelAction } from './link-channel.js';
import { registerReviewActions } from './review.js';

/** Buttons of engagement creation and Output Review. */
export function registerEngagementActions(app: ListenerRoutes, deps: SlackDeps): void {
  registerLinkChannelAction(app, deps);
  registerReviewActions(app, deps);
}
