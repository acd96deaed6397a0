import type { ExportFormat } from '../../../domain/decision-record-format.js';
import { engagementLabel } from '../../../domain/engagement.js';
import { exportRequested } from '../../../services/follow-up.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseExportArgs } from '../../inputs/decision-log.js';
import { chainFor } from './log.js';
import type { Subcommand } from './subcommand.js';

const FORMAT_NAME: Record<ExportFormat, string> = { jsonl: 'JSON Lines', csv: 'CSV' };

/**
 * `/amos export [slug|workspace] [jsonl|csv]`: the whole chain as a file, sent to the
 * requester's DM by the send-export job; the ack says it is on its way once that job committed,
 * and the job answers through the command's response_url.
 */
export const exportLog: Subcommand = {
  ...COMMAND_HELP.export,
  async run(ctx) {
    const { slug, format } = parseExportArgs(ctx.args);
    // Who may export, and which chain, is settled before anything is promised.
    const engagementId = await chainFor(ctx, slug, 'export_log');
    await exportRequested(ctx.deps.services.deps, {
      teamId: ctx.teamId,
      userId: ctx.userId,
      engagementId,
      format,
      ...(ctx.command.response_url ? { responseUrl: ctx.command.response_url } : {}),
    });
    const what = slug
      ? `the decision record of ${slug === 'workspace' ? 'the workspace' : engagementLabel(slug)}`
      : 'the decision record';
    await ctx.ack({
      response_type: 'ephemeral',
      text: `Preparing ${what} as ${FORMAT_NAME[format]}… I'll send it to you in a direct message.`,
    });
  },
};
