import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type { Database };

// Return `timestamptz` as Date and `date` as the plain 'YYYY-MM-DD' text it is.
pg.types.setTypeParser(1082, (text: string) => text);

/**
 * Every request must be answered inside Slack's 3 s, whatever the database does. A new
 * connection (or a free one from the pool) within 1 s; the server gives up waiting on a lock
 * (a row, or a decision chain's append lock under a burst of changes) after 1.5 s and cancels
 * a statement after 2 s; and a server that says nothing at all (hung, stopped, a dead network)
 * is given up on by the client after 2.2 s, its connection dropped. Each ends in the one
 * "cannot reach its database; nothing was changed" reply, well before Slack's deadline.
 */
export const DATABASE_TIMEOUTS = {
  connectMs: 1_000,
  lockMs: 1_500,
  statementMs: 2_000,
  queryMs: 2_200,
} as const;

const QUERY_READ_TIMEOUT = 'Query read timeout';

/** Opens a pooled connection to PostgreSQL; errors of idle clients are logged, never fatal. */
export function createDb(
  url: string,
  options: { max?: number; onIdleError?: (error: Error) => void } = {},
): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
    idleTimeoutMillis: 30_000,
    lock_timeout: DATABASE_TIMEOUTS.lockMs,
    statement_timeout: DATABASE_TIMEOUTS.statementMs,
    query_timeout: DATABASE_TIMEOUTS.queryMs,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  pool.on('connect', (client) => {
    // A checked-out client whose connection breaks outside a query (a server stopped, or the
    // stream dropped below on a read timeout) emits 'error'; unheard, that would end the
    // process. The query in flight fails on its own and the pool discards the client.
    client.on('error', (error) => options.onIdleError?.(error));
    dropConnectionOnReadTimeout(client);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A query the server never answered may still run once the server wakes (a BEGIN left open on
 * a pooled connection would swallow the next caller's work), so a connection whose query timed
 * out on the client is closed at once; the pool opens a fresh one next time.
 */
function dropConnectionOnReadTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const patched = (...args: unknown[]): unknown => {
    const result = query(...args);
    if (!(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      if (error instanceof Error && error.message === QUERY_READ_TIMEOUT) {
        (
          client as unknown as { connection?: { stream?: { destroy(): void } } }
        ).connection?.stream?.destroy();
      }
      throw error;
    });
  };
  (client as unknown as { query: typeof patched }).query = patched;
}

const UNAVAILABLE_CODES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

const UNAVAILABLE_MESSAGES = [
  QUERY_READ_TIMEOUT,
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Client was closed',
];

/** True when an error means the database could not be reached or did not answer in time. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) {
    return true;
  }
  if (UNAVAILABLE_MESSAGES.some((m) => error.message.includes(m))) return true;
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}
