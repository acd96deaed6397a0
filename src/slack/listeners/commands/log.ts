import { WORKSPACE_CHAIN } from '../../../domain/decision-record-format.js';
import { authorizeRead, latestRecords } from '../../../services/decision-log-service.js';
import { resolveEngagement } from '../../../services/engagement-lifecycle-service.js';
import { decisionLogMessage, LOG_LATEST } from '../../blocks/decision-log.js';
import { COMMAND_HELP } from '../../command-help.js';
import { parseLogArgs } from '../../inputs/decision-log.js';
import type { Subcommand, SubcommandContext } from './subcommand.js';

/**
 * The chain a log command is about: the workspace chain for `workspace`, else the engagement
 * named (or whose partner channel this is), after checking the user may read it this way.
 */
export async function chainFor(
  ctx: Pick<SubcommandContext, 'deps' | 'teamId' | 'userId' | 'command'>,
  slug: string | undefined,
  capability: 'view_log' | 'export_log',
): Promise<string | null> {
  const deps = ctx.deps.services.deps;
  await authorizeRead(deps, ctx.teamId, ctx.userId, capability);
  if (slug === WORKSPACE_CHAIN) return null;
  const engagement = await resolveEngagement(deps.db, ctx.teamId, slug, ctx.command.channel_id);
  return engagement.id;
}

/** `/amos log [slug|workspace]`: the latest records of a chain, only to the person asking. */
export const log: Subcommand = {
  ...COMMAND_HELP.log,
  async run(ctx) {
    const { slug } = parseLogArgs(ctx.args);
    const engagementId = await chainFor(ctx, slug, 'view_log');
    const view = await latestRecords(ctx.deps.services.deps, {
      teamId: ctx.teamId,
      userId: ctx.userId,
      engagementId,
      limit: LOG_LATEST,
    });
    await ctx.ack({ response_type: 'ephemeral', ...decisionLogMessage(view) });
  },
};
