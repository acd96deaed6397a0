import type { App } from '@slack/bolt';
import { cleanTypedText } from '../../../domain/text.js';
import { helpMessage } from '../../blocks/help.js';
import type { SlackDeps } from '../../context.js';
import { COMMAND } from '../../ids.js';
import { decodeSlackEntities } from '../../inputs/text.js';
import { replyForError } from '../../refusals.js';
import { requestDeps } from '../../request-identity.js';
import { activate } from './activate.js';
import { approve } from './approve.js';
import { change } from './change.js';
import { deliver } from './deliver.js';
import { diagnostic } from './diagnostic.js';
import { exportLog } from './export.js';
import { fit } from './fit.js';
import { help } from './help.js';
import { log } from './log.js';
import { newEngagement } from './new.js';
import { partner } from './partner.js';
import { refuseGatedPartnerCommand } from './partner-gate.js';
import { reject } from './reject.js';
import { review } from './review.js';
import { escalate, risk } from './risk.js';
import { role } from './role.js';
import { scope } from './scope.js';
import { stage } from './stage.js';
import { status } from './status.js';
import { pause, resume, terminate } from './stop-authority.js';
import type { Subcommand, SubcommandContext } from './subcommand.js';

/** Every `/amos` subcommand, in the order help lists them. */
export const SUBCOMMANDS: readonly Subcommand[] = [
  help,
  newEngagement,
  diagnostic,
  review,
  scope,
  approve,
  reject,
  change,
  deliver,
  stage,
  risk,
  escalate,
  fit,
  activate,
  pause,
  resume,
  terminate,
  status,
  log,
  exportLog,
  role,
  partner,
];

/**
 * Splits `/amos approve EX-1 looks good` into `approve` and `EX-1 looks good`, after the one
 * typed-text clean-up (Slack's `&lt;`-style entities decoded, control characters dropped, NFC).
 */
export function parseCommandText(text: string): { name: string; args: string } {
  const trimmed = cleanTypedText(decodeSlackEntities(text), 'lines');
  const space = trimmed.search(/\s/);
  if (space === -1) return { name: trimmed.toLowerCase(), args: '' };
  return { name: trimmed.slice(0, space).toLowerCase(), args: trimmed.slice(space).trim() };
}

export function registerCommands(app: App, appDeps: SlackDeps, subcommands = SUBCOMMANDS): void {
  const byName = new Map(subcommands.map((s) => [s.name, s]));
  app.command(COMMAND, async ({ command, ack, respond, client, context, body }) => {
    // This request's deps: a change it makes stores its identity, so a replay changes nothing.
    const deps = requestDeps(appDeps, { context, body });
    const { name, args } = parseCommandText(command.text);
    const subcommand = byName.get(name);
    if (!subcommand) {
      const note = name
        ? `\`${COMMAND} ${name}\` is not a command I know. Here is what I can do:`
        : undefined;
      await ack({ response_type: 'ephemeral', ...helpMessage(subcommands, note) });
      return;
    }
    const gate = { teamId: context.teamId ?? command.team_id, command, name, ack };
    if (await refuseGatedPartnerCommand(deps, gate)) return;
    let acked = false;
    const ctx: SubcommandContext = {
      args,
      command,
      teamId: context.teamId ?? command.team_id,
      userId: command.user_id,
      ack: async (response) => {
        acked = true;
        await ack(response);
      },
      respond,
      client,
      deps,
      catalogue: subcommands,
    };
    try {
      await subcommand.run(ctx);
    } catch (error) {
      const text = replyForError(deps.logger, error, `${COMMAND} ${name}`);
      if (acked) await respond({ response_type: 'ephemeral', text });
      else await ack({ response_type: 'ephemeral', text });
    }
  });
}
