import { engagementLabel } from '../../domain/engagement.js';
import { COMMAND } from '../ids.js';

// What partner users (and the operator) are told when a gated partner channel turns them
// back. `reason` is the domain's sentence naming the stage and what must happen next.

const RECORDED = 'This is recorded in the engagement’s decision record.';

/** DM to a partner removed from the partner channel (enforce mode). */
export function partnerRemovedNotice(slug: string, channelId: string, reason: string): string {
  return `:lock: You were removed from <#${channelId}>, the partner channel of ${engagementLabel(slug)}, because it is not open to you yet. ${reason} ${RECORDED}`;
}

/** Ephemeral to a partner who joined the partner channel in warn mode. */
export function partnerWarnedNotice(slug: string, reason: string): string {
  return `:warning: This is the partner channel of ${engagementLabel(slug)}, and it is not open to you yet. ${reason} Please leave the channel until you are invited; the operator has been told. ${RECORDED}`;
}

/** Channel notice for the operator when a partner joined in warn mode. */
export function operatorWarnNotice(
  channelId: string,
  userId: string,
  slug: string,
  reason: string,
): string {
  return `:warning: Partner <@${userId}> joined <#${channelId}>, the partner channel of ${engagementLabel(slug)}, although it is gated. ${reason} AMOS is in *warn* mode, so they were not removed: remove them by hand if they should not be there yet. It is recorded in ${engagementLabel(slug)}’s decision record.`;
}

/** Ephemeral to a partner who posted in a gated partner channel. */
export function partnerMessageNotice(slug: string, reason: string): string {
  return `:lock: The partner channel of ${engagementLabel(slug)} is not open for partner work yet. ${reason} Please hold work messages until it opens; nothing posted here counts as engagement work until then. ${RECORDED}`;
}

/** The refusal of a partner command typed in a gated partner channel. */
export function partnerCommandRefusal(command: string, reason: string): string {
  return `You can't use \`${COMMAND} ${command}\` here yet. ${reason} \`${COMMAND} status\` and \`${COMMAND} help\` still work.`;
}
