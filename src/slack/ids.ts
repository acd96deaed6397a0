/** Every slash command, callback, block and action id the app uses, in one place. */
export const COMMAND = '/amos';

export const EVENTS = {
  appHomeOpened: 'app_home_opened',
} as const;

export const HOME = {
  helpBlock: 'home_help',
} as const;
