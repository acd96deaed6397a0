import type { SlackDeps } from '../../context.js';
import type { ListenerRoutes } from '../routes.js';
import { registerActivationRetry } from './activation-retry.js';
import { registerCharterAcknowledge } from './charter-acknowledge.js';

/** The buttons of Partner Activation: acknowledge the charter, retry a failed set-up. */
export function registerActivationActions(app: ListenerRoutes, deps: SlackDeps): void {
  registerCharterAcknowledge(app, deps);
  registerActivationRetry(app, deps);
}
