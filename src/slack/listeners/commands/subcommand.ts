import type { AckFn, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CommandHelp } from '../../blocks/help.js';
import type { SlackDeps } from '../../context.js';

export interface SubcommandContext {
  /** The text after the subcommand name, trimmed. */
  readonly args: string;
  readonly command: SlashCommand;
  readonly teamId: string;
  readonly userId: string;
  readonly ack: AckFn<string | RespondArguments>;
  readonly respond: RespondFn;
  readonly client: WebClient;
  readonly deps: SlackDeps;
  /** Every subcommand, for help text. */
  readonly catalogue: readonly CommandHelp[];
}

/** One `/amos <name>` subcommand: its help entry and what it does. */
export interface Subcommand extends CommandHelp {
  run(ctx: SubcommandContext): Promise<void>;
}
