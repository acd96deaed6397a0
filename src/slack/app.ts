import type { Server } from 'node:http';
import { App, type CustomRoute, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import { boltLogger, type Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { singleWorkspaceAuthorize } from './authorize.js';
import type { SlackDeps } from './context.js';
import { unexpectedFailure } from './errors.js';
import { registerListeners } from './listeners/index.js';

/**
 * Bounded retries for the Web API. The client's default retries a 5xx for about thirty
 * minutes, which would hang a handler; 429s wait for Retry-After and count as a retry.
 */
export const WEB_API_RETRY = {
  retries: 2,
  factor: 2,
  minTimeout: 200,
  maxTimeout: 2_000,
  maxRetryTime: 15_000,
};

export interface SlackApp {
  readonly app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The HTTP server (for tests that listen on port 0). */
  server(): Server | undefined;
}

export function webClientOptions(config: Pick<Config, 'slack'>, logger: Logger): WebClientOptions {
  return {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: WEB_API_RETRY,
    timeout: 10_000,
    logger: boltLogger(logger),
  };
}

function healthRoutes(services: Services): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        void services.isReady().then((ready) => {
          res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: ready ? 'ready' : 'database unreachable' }));
        });
      },
    },
  ];
}

/** Builds the Bolt app for the configured mode (HTTP or Socket Mode) with every listener. */
export function createSlackApp(deps: {
  config: Config;
  services: Services;
  logger: Logger;
}): SlackApp {
  const { config, services, logger } = deps;
  const slack = config.slack;
  const clientOptions = webClientOptions(config, logger);
  const blogger = boltLogger(logger);
  const customRoutes = healthRoutes(services);
  if (slack.kind === 'oauth' && !slack.botToken) {
    throw new Error('OAuth installs are not available yet: set SLACK_BOT_TOKEN as well');
  }
  const botToken = slack.botToken as string;
  const receiver =
    slack.kind === 'socket'
      ? new SocketModeReceiver({
          appToken: slack.appToken,
          logger: blogger,
          customRoutes,
          installerOptions: { port: config.port },
        })
      : new HTTPReceiver({
          signingSecret: slack.signingSecret,
          endpoints: '/slack/events',
          logger: blogger,
          customRoutes,
          processBeforeResponse: false,
        });
  const app = new App({
    receiver,
    logger: blogger,
    clientOptions,
    convoStore: false,
    authorize: singleWorkspaceAuthorize({
      botToken,
      clientOptions,
      workspaces: services.workspaces,
    }),
  });
  const slackDeps: SlackDeps = { services, config, logger };
  registerListeners(app, slackDeps);
  app.error(async (error) => {
    unexpectedFailure(logger, error, 'bolt');
  });
  let httpServer: Server | undefined;
  return {
    app,
    async start() {
      const started = await app.start(config.port);
      if (started && typeof (started as Server).address === 'function')
        httpServer = started as Server;
    },
    async stop() {
      await app.stop();
    },
    server: () => httpServer,
  };
}
