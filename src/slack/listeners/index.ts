import type { App } from '@slack/bolt';
import type { SlackDeps } from '../context.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';

/** Registers every listener the app has; the manifest test reads what this registers. */
export function registerListeners(app: App, deps: SlackDeps): void {
  registerEvents(app, deps);
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerShortcuts(app, deps);
}
