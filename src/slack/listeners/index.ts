import type { App } from '@slack/bolt';
import type { SlackDeps } from '../context.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { routeListeners } from './routes.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';

/**
 * Registers every listener the app has; the manifest test reads what this registers. Buttons
 * and modal submissions are routed by id through one Bolt listener each (./routes.ts).
 */
export function registerListeners(app: App, deps: SlackDeps): void {
  registerEvents(app, deps);
  registerCommands(app, deps);
  const routes = routeListeners(app);
  registerActions(routes, deps);
  registerViews(routes, deps);
  routes.mount();
  registerShortcuts(app, deps);
}
