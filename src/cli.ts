import { parseArgs } from 'node:util';
import {
  DECISION_LOG_USAGE,
  exportCommand,
  verifyLogCommand,
} from './cli/decision-log-commands.js';
import { ConfigError, loadConfig, StartupRefusal } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './logger.js';
import { openDatabase, startApp } from './main.js';
import { sandboxCommand } from './sandbox/sandbox-command.js';

const USAGE = `Usage: amos <command>

Commands:
  start                 run the Slack app (HTTP or Socket Mode) and its job workers, migrating
                        the database first; --no-worker runs only the Slack side
  worker                run only the job workers (deliver the Slack effects of changes)
  migrate               apply pending database migrations and exit
  sandbox [--demo]      the whole bot in a browser, no Slack needed (also: local)
${DECISION_LOG_USAGE}
  help                  show this text`;

const SANDBOX_HINT =
  'No Slack workspace? Try the whole bot in your browser instead: npm run sandbox (add -- --demo for sample engagements).';

/**
 * Stops the app once on SIGINT/SIGTERM (a second signal forces exit). Installed before the
 * app starts: a signal that arrives while it is still starting (embedded PostgreSQL, the
 * migrations) stops it as soon as it is up, so no database server is left behind.
 */
function stopOnSignal(): (app: { stop(): Promise<void> }) => void {
  let stopping = false;
  let running: { stop(): Promise<void> } | undefined;
  const shutdown = () => {
    if (!running) return;
    running.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal} received: shutting down\n`);
    shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return (app) => {
    running = app;
    if (stopping) shutdown();
  };
}

async function migrate(): Promise<void> {
  const config = loadConfig({ ...process.env, ...slackPlaceholder(process.env) });
  const logger = createLogger(config.logLevel);
  const { db, embedded } = await openDatabase(config, logger);
  try {
    const applied = await migrateToLatest(db);
    process.stdout.write(
      applied.length === 0
        ? 'The database is up to date.\n'
        : `Applied: ${applied.map((m) => m.migrationName).join(', ')}\n`,
    );
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

/** Commands that only touch the database need no Slack settings. */
function slackPlaceholder(env: NodeJS.ProcessEnv): Record<string, string> {
  return env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN || env.SLACK_CLIENT_ID
    ? {}
    : { SLACK_SIGNING_SECRET: 'unused', SLACK_BOT_TOKEN: 'xoxb-unused' };
}

export async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0] ?? 'start';
  try {
    switch (command) {
      case 'start': {
        const started = stopOnSignal();
        started(await startApp({ role: argv.includes('--no-worker') ? 'http' : 'all' }));
        return -1;
      }
      case 'worker': {
        const started = stopOnSignal();
        started(await startApp({ role: 'worker' }));
        process.stderr.write('AMOS job workers are running. Stop with Ctrl-C.\n');
        return -1;
      }
      case 'sandbox':
      case 'local': {
        const started = stopOnSignal();
        started(await sandboxCommand(argv.slice(argv.indexOf(command) + 1)));
        return -1;
      }
      case 'migrate':
        await migrate();
        return 0;
      case 'verify-log':
      case 'export': {
        const run = command === 'export' ? exportCommand : verifyLogCommand;
        const args = argv.slice(argv.indexOf(command) + 1);
        return await run(args, { ...process.env, ...slackPlaceholder(process.env) });
      }
      case 'help':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `AMOS cannot start: fix these settings (environment variables), then start again:\n${error.problems
          .map((p) => `  - ${p}`)
          .join('\n')}\n`,
      );
      if (command === 'start') process.stderr.write(`${SANDBOX_HINT}\n`);
      return 1;
    }
    if (error instanceof StartupRefusal) {
      process.stderr.write(`AMOS cannot start: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `AMOS failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
