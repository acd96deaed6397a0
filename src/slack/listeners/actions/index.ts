import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';

/** Registers every button and menu handler (one file per handler beside this one). */
export function registerActions(_app: App, _deps: SlackDeps): void {}
