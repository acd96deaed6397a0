import type { WebClient } from '@slack/web-api';
import type { ExportFormat } from '../../../domain/decision-record-format.js';
import { engagementLabel } from '../../../domain/engagement.js';
import { type ExportedLog, exportRecords } from '../../../services/decision-log-service.js';
import { recordSlackError } from '../../../services/slack-error-service.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseExportArgs } from '../../inputs/decision-log.js';
import { slackErrorCode } from '../../slack-error-reporter.js';
import { chainFor } from './log.js';
import type { Subcommand } from './subcommand.js';

const FORMAT_NAME: Record<ExportFormat, string> = { jsonl: 'JSON Lines', csv: 'CSV' };

function chainName(engagement: string): string {
  return engagement === 'workspace' ? 'the workspace' : engagementLabel(engagement);
}

const SCOPE_ERRORS = [
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'restricted_action',
];

/** What the requester can do about a failed upload. */
function uploadAdvice(code: string): string {
  return SCOPE_ERRORS.includes(code)
    ? 'The app needs the `files:write` and `im:write` scopes and permission to upload files here: ask an AMOS admin to check its installation, then try again.'
    : 'Nothing was changed; try again in a minute, and tell your AMOS admin if it keeps failing.';
}

/** Opens the requester's DM with the app and uploads the export there; returns the DM's id. */
async function sendToRequester(
  client: WebClient,
  userId: string,
  file: ExportedLog,
): Promise<string> {
  const dm = await client.conversations.open({ users: userId });
  const channelId = dm.channel?.id;
  if (!channelId) throw new Error('conversations.open returned no channel');
  await client.files.uploadV2({
    channel_id: channelId,
    filename: file.filename,
    content: file.content,
    title: `Decision record of ${chainName(file.engagement)}`,
    initial_comment: `The decision record of ${chainName(file.engagement)}: ${file.count} ${file.count === 1 ? 'record' : 'records'} as ${FORMAT_NAME[file.format]}. Each record carries the hash of the one before it, so any later change shows.`,
  });
  return channelId;
}

/** `/amos export [slug|workspace] [jsonl|csv]`: the whole chain as a file, sent to the requester's DM. */
export const exportLog: Subcommand = {
  ...COMMAND_HELP.export,
  async run(ctx) {
    const { slug, format } = parseExportArgs(ctx.args);
    // Who may export, and which chain, is settled before anything is promised.
    const engagementId = await chainFor(ctx, slug, 'export_log');
    const what = slug ? `the decision record of ${chainName(slug)}` : 'the decision record';
    await ctx.ack({
      response_type: 'ephemeral',
      text: `Preparing ${what} as ${FORMAT_NAME[format]}… I'll send it to you in a direct message.`,
    });
    const file = await exportRecords(ctx.deps.services.deps, {
      teamId: ctx.teamId,
      userId: ctx.userId,
      engagementId,
      format,
    });
    if (file.count === 0) {
      await ctx.respond({
        response_type: 'ephemeral',
        text: `No decisions are recorded for ${chainName(file.engagement)} yet, so there is nothing to export.`,
      });
      return;
    }
    try {
      await sendToRequester(ctx.client, ctx.userId, file);
    } catch (error) {
      const code = slackErrorCode(error);
      ctx.deps.logger.warn({ slackError: code, where: '/amos export' }, 'export upload failed');
      await recordSlackError(ctx.deps.services.deps, {
        teamId: ctx.teamId,
        userId: ctx.userId,
        engagementId,
        method: 'files.uploadV2',
        error: code,
        attempted: `send ${file.filename} to <@${ctx.userId}>`,
        details: { filename: file.filename },
      }).catch((e) => ctx.deps.logger.error({ err: String(e) }, 'could not record a slack.error'));
      await ctx.respond({
        response_type: 'ephemeral',
        text: `I couldn't send you the file: Slack answered \`${code}\`. ${uploadAdvice(code)}`,
      });
      return;
    }
    await ctx.respond({
      response_type: 'ephemeral',
      text: `Sent \`${file.filename}\` (${file.count} ${file.count === 1 ? 'record' : 'records'}) to your direct messages with me.`,
    });
  },
};
