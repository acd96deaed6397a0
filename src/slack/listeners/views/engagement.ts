import type { SlackDeps } from '../../context.js';
import type { ListenerRoutes } from '../routes.js';
import { registerDiagnosticView } from './diagnostic.js';
import { registerLinkChannelView } from './link-channel.js';
import { registerNewEngagementView } from './new-engagement.js';
import { registerSendBackView } from './review-send-back.js';

/** Modals of engagement creation, the partner channel link, System Entry and Output Review. */
export function registerEngagementViews(app: ListenerRoutes, deps: SlackDeps): void {
  registerNewEngagementView(app, deps);
  registerLinkChannelView(app, deps);
  registerDiagnosticView(app, deps);
  registerSendBackView(app, deps);
}
