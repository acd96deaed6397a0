import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimDelivery,
  endAttempt,
  markDelivered,
  markUndeliverable,
  releaseDelivery,
} from '../../src/db/delivery-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// The delivery ledger's claim (one statement when granted): what each state of a key answers.

const TEAM = 'T0AMOS';
const LEASE = 60_000;
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const claim = (key: string, leaseMs = LEASE) => claimDelivery(database.db, TEAM, key, leaseMs);

describe('claimDelivery', () => {
  it('a new key is fresh and leased; a second claim meanwhile is told to wait', async () => {
    expect(await claim('k1')).toEqual({ state: 'fresh' });
    const second = await claim('k1');
    expect(second.state).toBe('busy');
    if (second.state === 'busy') {
      expect(second.retryInMs).toBeGreaterThan(LEASE - 5_000);
      expect(second.retryInMs).toBeLessThanOrEqual(LEASE);
    }
  });

  it('two claims at the same moment: exactly one is granted', async () => {
    const claims = await Promise.all(Array.from({ length: 6 }, () => claim('k2')));
    expect(claims.filter((c) => c.state === 'fresh')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'busy')).toHaveLength(5);
  });

  it('after an attempt of unknown outcome, the next claim is uncertain (look before posting)', async () => {
    expect(await claim('k3')).toEqual({ state: 'fresh' });
    await endAttempt(database.db, TEAM, 'k3', 0);
    const next = await claim('k3');
    expect(next.state).toBe('uncertain');
    // And a crash mid-call (the lease runs out) is the same.
    expect(await claim('k4')).toEqual({ state: 'fresh' });
    await database.db
      .updateTable('slack_delivery')
      .set({ lease_until: new Date(Date.now() - 60_000) })
      .where('key', '=', 'k4')
      .execute();
    expect((await claim('k4')).state).toBe('uncertain');
  });

  it('an attempt Slack certainly refused does not count: the next claim is fresh again', async () => {
    expect(await claim('k5')).toEqual({ state: 'fresh' });
    await releaseDelivery(database.db, TEAM, 'k5');
    expect(await claim('k5')).toEqual({ state: 'fresh' });
  });

  it('delivered is sent, with where it landed; given up is failed; neither is leased again', async () => {
    expect(await claim('k6')).toEqual({ state: 'fresh' });
    await markDelivered(database.db, TEAM, 'k6', { channelId: 'D1', ts: '1.2' });
    expect(await claim('k6')).toEqual({ state: 'sent', channelId: 'D1', ts: '1.2' });
    await markUndeliverable(database.db, TEAM, 'k7');
    expect(await claim('k7')).toEqual({ state: 'failed' });
    const rows = await database.db
      .selectFrom('slack_delivery')
      .select(['key', 'status', 'attempts', 'lease_until'])
      .where('key', 'in', ['k6', 'k7'])
      .orderBy('key')
      .execute();
    expect(rows).toEqual([
      { key: 'k6', status: 'sent', attempts: 1, lease_until: null },
      { key: 'k7', status: 'failed', attempts: 0, lease_until: null },
    ]);
  });
});
