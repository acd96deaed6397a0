import { type Logger as BoltLogger, type LogLevel as BoltLogLevel, LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Secrets and message bodies are never passed to the logger; the
 * redaction list is a second line of defence for fields that could carry them.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'amos' },
    redact: {
      paths: [
        'token',
        '*.token',
        'botToken',
        '*.botToken',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'text',
        '*.text',
        'blocks',
        '*.blocks',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  });
}

/**
 * Bolt's logger interface over pino. Bolt's own debug lines include request payloads
 * (message bodies), so they are dropped whatever the level.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const text = (args: unknown[]) =>
    args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  return {
    debug: () => {},
    info: (...args) => child.info(text(args)),
    warn: (...args) => child.warn(text(args)),
    error: (...args) => child.error(text(args)),
    setLevel: () => {},
    getLevel: (): BoltLogLevel => LogLevel.INFO,
    setName: () => {},
  };
}
