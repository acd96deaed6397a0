import type { Authorize, AuthorizeResult } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { WorkspaceService } from '../services/workspace-service.js';

interface BotIdentity {
  teamId: string;
  teamName: string | null;
  botUserId: string;
  botId: string;
}

/**
 * Authorization for a single-workspace install (SLACK_BOT_TOKEN). `auth.test` runs once per
 * process, not per request (Bolt's own fallback calls it on every request when token
 * verification is off), and the workspace row is created on first use. `warmUp` starts it
 * at boot, so the first request does not wait on Slack (a slow answer would cost its ack).
 */
export function singleWorkspaceAuthorize(options: {
  botToken: string;
  clientOptions: WebClientOptions;
  workspaces: WorkspaceService;
}): { authorize: Authorize<boolean>; warmUp(): Promise<void> } {
  let identity: Promise<BotIdentity> | undefined;
  const lookup = async (): Promise<BotIdentity> => {
    const client = new WebClient(options.botToken, options.clientOptions);
    const result = await client.auth.test();
    if (!result.team_id || !result.user_id || !result.bot_id) {
      throw new Error('auth.test did not return the team, bot user and bot ids');
    }
    const found = {
      teamId: result.team_id,
      teamName: result.team ?? null,
      botUserId: result.user_id,
      botId: result.bot_id,
    };
    await options.workspaces.ensureWorkspace(found);
    return found;
  };
  const resolve = (): Promise<BotIdentity> => {
    if (!identity) {
      identity = lookup();
      identity.catch(() => {
        identity = undefined;
      });
    }
    return identity;
  };
  const authorize: Authorize<boolean> = async (source): Promise<AuthorizeResult> => {
    const bot = await resolve();
    if (source.teamId && source.teamId !== bot.teamId) {
      throw new Error(
        `request from workspace ${source.teamId}, but the bot token is for ${bot.teamId}`,
      );
    }
    return {
      botToken: options.botToken,
      botId: bot.botId,
      botUserId: bot.botUserId,
      teamId: bot.teamId,
    };
  };
  return { authorize, warmUp: async () => void (await resolve()) };
}
