import { COMMAND } from '../ids.js';
import { context, header, type Rendered, section } from './text.js';

export interface CommandHelp {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
}

/** The `/amos help` reply: every subcommand with its usage, grouped in one section each. */
export function helpMessage(commands: readonly CommandHelp[], note?: string): Rendered {
  const lines = commands.map((c) => `\`${COMMAND} ${c.usage}\`  ${c.summary}`);
  const text = [note, `AMOS commands:`, ...lines].filter(Boolean).join('\n');
  return {
    text,
    blocks: [
      ...(note ? [section(note)] : []),
      header('AMOS commands'),
      section(lines.join('\n')),
      context(
        'AMOS is decision-first: work starts with the Diagnostic, and partners execute only after System Entry → Output Review → Execution Approval → Partner Activation.',
      ),
    ],
  };
}
