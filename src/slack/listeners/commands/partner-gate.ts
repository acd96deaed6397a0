import type { AckFn, RespondArguments, SlashCommand } from '@slack/bolt';
import { refusePartnerCommand } from '../../../services/gating-service.js';
import { partnerCommandRefusal } from '../../blocks/gating.js';
import type { SlackDeps } from '../../context.js';
import { replyForError } from '../../refusals.js';

/** Commands a partner may type anywhere, gated or not: they change nothing. */
const ALWAYS_ALLOWED = new Set(['help', 'status']);

/**
 * Runs before every `/amos` subcommand: a partner user's command typed in a gated partner
 * channel is refused with the stage and what must happen next, and recorded as
 * `boundary.partner_command`. Returns true when it answered (the subcommand must not run).
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
  try {
    const boundary = await refusePartnerCommand(deps.services.deps, {
      teamId,
      channelId: command.channel_id,
      userId: command.user_id,
      command: name,
    });
    if (!boundary) return false;
    await ack({ response_type: 'ephemeral', text: partnerCommandRefusal(name, boundary.reason) });
  } catch (error) {
    await ack({
      response_type: 'ephemeral',
      text: replyForError(deps.logger, error, `/amos ${name} partner gate`),
    });
  }
  return true;
}
