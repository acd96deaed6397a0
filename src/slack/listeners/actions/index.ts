import type { SlackDeps } from '../../context.js';
import type { ListenerRoutes } from '../routes.js';
import { registerActivationActions } from './activation.js';
import { registerApprovalActions } from './approval.js';
import { registerEngagementActions } from './engagement.js';
import { registerHomeActions } from './home.js';
import { registerRiskActions } from './risk.js';
import { registerScopeActions } from './scope.js';
import { registerStopActions } from './stop-authority.js';

/** Registers every button and menu handler (one file per handler beside this one). */
export function registerActions(app: ListenerRoutes, deps: SlackDeps): void {
  registerScopeActions(app, deps);
  registerApprovalActions(app, deps);
  registerActivationActions(app, deps);
  registerEngagementActions(app, deps);
  registerRiskActions(app, deps);
  registerStopActions(app, deps);
  registerHomeActions(app, deps);
}
