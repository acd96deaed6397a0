import type { SlackDeps } from '../../context.js';
import type { ListenerRoutes } from '../routes.js';
import { registerApprovalRejectView } from './approval-reject.js';
import { registerEngagementViews } from './engagement.js';
import { registerFitView } from './fit.js';
import { registerGovernedDeliveryViews } from './governed-delivery.js';
import { registerRiskViews } from './risk.js';
import { registerScopeViews } from './scope.js';
import { registerStopViews } from './stop-authority.js';

/** Registers every modal submission handler (one file per modal beside this one). */
export function registerViews(app: ListenerRoutes, deps: SlackDeps): void {
  registerScopeViews(app, deps);
  registerApprovalRejectView(app, deps);
  registerFitView(app, deps);
  registerEngagementViews(app, deps);
  registerGovernedDeliveryViews(app, deps);
  registerRiskViews(app, deps);
  registerStopViews(app, deps);
}
