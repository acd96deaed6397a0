import type { AckFn, RespondArguments, SlashCommand } from '@slack/bolt';
import { checkPartnerCommand, recordPartnerCommand } from '../../../services/gating-service.js';
import { partnerCommandRefusal } from '../../blocks/gating.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { replyForError } from '../../refusals.js';

/** Commands a partner may type anywhere, gated or not: they change nothing. */
const ALWAYS_ALLOWED = new Set(['help', 'status']);

/**
 * Runs before every `/amos` subcommand: a partner user's command typed in a gated partner
 * channel is refused with the stage and what must happen next. Only a read happens before the
 * ack; `boundary.partner_command` is recorded after it (a failure to record is logged with a
 * correlation id and does not change the reply). Returns true when it answered (the subcommand
 * must not run).
 */
export async function refuseGatedPartnerCommand(
  deps: SlackDeps,
  request: {
    teamId: string;
    command: SlashCommand;
    name: string;
    ack: AckFn<string | RespondArguments>;
  },
): Promise<boolean> {
  const { teamId, command, name, ack } = request;
  if (ALWAYS_ALLOWED.has(name)) return false;
  const event = { teamId, channelId: command.channel_id, userId: command.user_id };
  let refusal: Awaited<ReturnType<typeof checkPartnerCommand>>;
  try {
    refusal = await checkPartnerCommand(deps.services.deps, event);
  } catch (error) {
    const text = replyForError(deps.logger, error, `/amos ${name} partner gate`);
    await ack({ response_type: 'ephemeral', text });
    return true;
  }
  if (!refusal) return false;
  await ack({ response_type: 'ephemeral', text: partnerCommandRefusal(name, refusal.reason) });
  try {
    await recordPartnerCommand(deps.services.deps, { ...event, command: name, refusal });
  } catch (error) {
    unexpectedFailure(deps.logger, error, `/amos ${name} partner gate record`);
  }
  return true;
}
