import type { View } from '@slack/types';
import { HOME } from '../ids.js';
import { type CommandHelp, helpMessage } from './help.js';
import { section } from './text.js';

/** The App Home tab for a user. */
export function homeView(userId: string, commands: readonly CommandHelp[]): View {
  const help = helpMessage(commands);
  return {
    type: 'home',
    blocks: [
      section(`Hello <@${userId}>. This is where AMOS shows what waits on you.`),
      ...help.blocks,
      section('Type `/amos help` in any channel to see these commands again.', HOME.helpBlock),
    ],
  };
}
