import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { deferred } from './deferred.js';

/**
 * Holds an engagement's row lock (and, given a chain key, that decision chain's append lock),
 * as another change in flight would, until the returned function is called; resolves once they
 * are held.
 */
export async function holdEngagementLock(
  db: Db,
  engagementId: string,
  options: { chain?: string } = {},
): Promise<() => Promise<void>> {
  const { promise: held, resolve: release } = deferred();
  const { promise: isLocked, resolve: locked } = deferred();
  const holder = db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('engagement')
      .select('id')
      .where('id', '=', engagementId)
      .forUpdate()
      .execute();
    if (options.chain) {
      await sql`select pg_advisory_xact_lock(hashtextextended(${options.chain}, 0))`.execute(trx);
    }
    locked();
    await held;
  });
  await isLocked;
  return async () => {
    release();
    await holder;
  };
}
