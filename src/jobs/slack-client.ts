import type { InstallationStore } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import { boltLogger, type Logger } from '../logger.js';

/**
 * Web API options for jobs: no retries and no waiting out a 429 inside the client (a job is
 * run again instead, after Retry-After), and a bounded timeout, so one retry policy applies.
 */
export function jobClientOptions(config: Config, logger: Logger): WebClientOptions {
  return {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: config.jobs.slackTimeoutMs,
    logger: boltLogger(logger),
  };
}

/** The bot client of a workspace: the single bot token, or the OAuth installation's. */
export function workspaceClients(options: {
  config: Config;
  logger: Logger;
  installationStore?: InstallationStore;
}): (teamId: string) => Promise<WebClient> {
  const clientOptions = jobClientOptions(options.config, options.logger);
  const clients = new Map<string, WebClient>();
  const clientFor = (token: string) => {
    let client = clients.get(token);
    if (!client) {
      client = new WebClient(token, clientOptions);
      clients.set(token, client);
    }
    return client;
  };
  const { slack } = options.config;
  return async (teamId) => {
    if (slack.kind !== 'oauth') return clientFor(slack.botToken);
    if (!options.installationStore) throw new Error('OAuth mode needs an installation store');
    const installation = await options.installationStore.fetchInstallation({
      teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    const token = installation.bot?.token;
    if (!token) throw new Error(`no bot token stored for workspace ${teamId}`);
    return clientFor(token);
  };
}
