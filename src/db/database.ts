import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type { Database };

// Return `timestamptz` as Date and `date` as the plain 'YYYY-MM-DD' text it is.
pg.types.setTypeParser(1082, (text: string) => text);

/** Opens a pooled connection to PostgreSQL; errors of idle clients are logged, never fatal. */
export function createDb(
  url: string,
  options: { max?: number; onIdleError?: (error: Error) => void } = {},
): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
