import type { Server } from 'node:http';
import {
  App,
  type Authorize,
  type CustomRoute,
  ErrorCode,
  HTTPReceiver,
  type InstallationStore,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import { boltLogger, type Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { singleWorkspaceAuthorize } from './authorize.js';
import type { SlackDeps } from './context.js';
import { unexpectedFailure } from './errors.js';
import { ackEventsAfterListeners, httpNotTaken, socketNotTaken } from './event-ack.js';
import { trackInFlight } from './in-flight.js';
import { registerListeners } from './listeners/index.js';
import { BODY_LIMIT_BYTES, refuseFutureTimestamps, requestProperties } from './request-identity.js';

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

/** The bot scopes requested on OAuth install; keep in step with manifest.yml (a test checks). */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'users:read',
  'channels:read',
  'channels:history',
  'im:history',
  'channels:manage',
  'groups:read',
  'groups:history',
  'groups:write',
  'pins:write',
  'files:write',
] as const;

export interface SlackApp {
  readonly app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once no request is being processed (bounded): for draining and for tests. */
  idle(timeoutMs?: number): Promise<void>;
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
  installationStore?: InstallationStore;
}): SlackApp {
  const { config, services, logger } = deps;
  const slack = config.slack;
  const clientOptions = webClientOptions(config, logger);
  const blogger = boltLogger(logger);
  const customRoutes = healthRoutes(services);
  let receiver: Receiver;
  let authorize: Authorize<boolean> | undefined;
  let warmUp: (() => Promise<void>) | undefined;
  if (slack.kind === 'oauth') {
    if (!deps.installationStore) throw new Error('OAuth mode needs an installation store');
    receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret,
      endpoints: '/slack/events',
      logger: blogger,
      customRoutes,
      // Each listener acks itself, after the change it makes has committed (README: "What an
      // ack guarantees"); Bolt's ack-after-the-listener mode would make Slack calls delay it.
      processBeforeResponse: false,
      bodyLimit: BODY_LIMIT_BYTES,
      customPropertiesExtractor: requestProperties,
      processEventErrorHandler: httpNotTaken,
      clientId: slack.clientId,
      clientSecret: slack.clientSecret,
      stateSecret: slack.stateSecret,
      scopes: [...BOT_SCOPES],
      installationStore: deps.installationStore,
      installerOptions: {
        installPath: '/slack/install',
        redirectUriPath: '/slack/oauth_redirect',
        directInstall: true,
        clientOptions,
      },
    });
  } else {
    const single = singleWorkspaceAuthorize({
      botToken: slack.botToken,
      clientOptions,
      workspaces: services.workspaces,
    });
    authorize = single.authorize;
    warmUp = single.warmUp;
    receiver =
      slack.kind === 'socket'
        ? new SocketModeReceiver({
            appToken: slack.appToken,
            logger: blogger,
            customRoutes,
            processEventErrorHandler: socketNotTaken,
            installerOptions: { port: config.port },
          })
        : new HTTPReceiver({
            signingSecret: slack.signingSecret,
            endpoints: '/slack/events',
            logger: blogger,
            customRoutes,
            processBeforeResponse: false,
            bodyLimit: BODY_LIMIT_BYTES,
            customPropertiesExtractor: requestProperties,
            processEventErrorHandler: httpNotTaken,
          });
  }
  if (receiver instanceof HTTPReceiver) refuseFutureTimestamps(receiver);
  const app = new App({
    receiver,
    logger: blogger,
    clientOptions,
    convoStore: false,
    ...(authorize ? { authorize } : {}),
  });
  const inFlight = trackInFlight(app);
  // Events are acked once their listeners finished (README: "What an ack guarantees").
  ackEventsAfterListeners(app, logger);
  const slackDeps: SlackDeps = { services, config, logger };
  registerListeners(app, slackDeps);
  app.error(async (error) => {
    if (error.code === ErrorCode.AuthorizationError) {
      // A workspace that has not installed the app (or uninstalled it): nothing to answer.
      logger.warn({ err: error.message }, 'request from a workspace without an installation');
      return;
    }
    unexpectedFailure(logger, error, 'bolt');
  });
  let httpServer: Server | undefined;
  return {
    app,
    async start() {
      const started = await app.start(config.port);
      if (started && typeof (started as Server).address === 'function')
        httpServer = started as Server;
      // Learn the bot's identity now, not on the first request (whose ack it would delay).
      // A failure is logged and retried on the first request: an unreachable Slack never
      // blocks the app from starting.
      void warmUp?.().catch((error: unknown) =>
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'auth.test failed at start; will retry on the first request',
        ),
      );
    },
    async stop() {
      await app.stop();
      // Listeners run on after their ack; let them finish before the database closes.
      await inFlight.idle(10_000);
    },
    idle: (timeoutMs) => inFlight.idle(timeoutMs),
    server: () => httpServer,
  };
}
