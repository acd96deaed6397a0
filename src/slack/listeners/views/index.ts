import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';

/** Registers every modal submission handler (one file per modal beside this one). */
export function registerViews(_app: App, _deps: SlackDeps): void {}
