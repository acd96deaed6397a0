import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { JOBS } from '../../src/jobs/index.js';
import { JOB_SCHEMA, type JobQueue, startJobQueue } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/logger.js';
import { runChange, type ServiceDeps } from '../../src/services/change.js';
import { grantRole } from '../../src/services/role-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { grant, seedWorkspace } from '../support/factories.js';

// Enqueue in the change's transaction: a job exists if and only if its change committed.

const TEAM = 'T0AMOS';
let database: TestDatabase;
let queue: JobQueue;
let deps: ServiceDeps;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedWorkspace(database.db, TEAM);
  await grant(database.db, TEAM, 'U0ADMIN', 'admin');
  await grant(database.db, TEAM, 'U0OPER', 'operator');
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'test' });
  // No workers: the jobs stay queued for the test to read.
  queue = await startJobQueue({
    databaseUrl: database.url,
    db: database.db,
    config,
    logger: createLogger('error'),
    registry: JOBS,
    supervise: false,
  });
  deps = {
    db: database.db,
    clock: { now: () => new Date('2026-12-01T12:00:00Z') },
    admins: [],
    jobs: queue.sender,
  };
});
afterAll(async () => {
  await queue?.stop();
  await database?.drop();
});

async function jobs(name: string) {
  const { rows } = await sql<{ key: string; state: string; data: { payload: unknown } }>`
    select singleton_key as key, state, data from ${sql.raw(JOB_SCHEMA)}.job
    where name = ${name} order by created_on`.execute(database.db);
  return rows;
}

const notice = (userId: string) => ({
  teamId: TEAM,
  action: 'grant',
  userId,
  role: 'executive',
  actorId: 'U0ADMIN',
});

describe('change.enqueue', () => {
  it('a change rolled back leaves no job', async () => {
    await expect(
      runChange(deps, TEAM, 'U0ADMIN', async (change) => {
        await change.enqueue('notify-role-change', notice('U0ROLLED'), { key: 'rolled-back' });
        throw new Error('the change fails after enqueuing');
      }),
    ).rejects.toThrow('the change fails');
    expect((await jobs('notify-role-change')).filter((j) => j.key === 'rolled-back')).toEqual([]);
  });

  it('a committed change always has its jobs, once per key', async () => {
    for (let i = 0; i < 2; i += 1) {
      await runChange(deps, TEAM, 'U0ADMIN', (change) =>
        change.enqueue('notify-role-change', notice('U0KEPT'), { key: 'committed' }),
      );
    }
    const kept = (await jobs('notify-role-change')).filter((j) => j.key === 'committed');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ state: 'created', data: { payload: notice('U0KEPT') } });
  });

  it('a service change enqueues its effect; a refused one enqueues nothing', async () => {
    await grantRole(deps, TEAM, 'U0ADMIN', { userId: 'U0NEW', role: 'executive' });
    await expect(
      grantRole(deps, TEAM, 'U0OPER', { userId: 'U0MALLORY', role: 'admin' }),
    ).rejects.toMatchObject({ refusal: { code: 'forbidden_role' } });
    const users = (await jobs('notify-role-change')).map(
      (j) => (j.data.payload as { userId: string }).userId,
    );
    expect(users).toContain('U0NEW');
    expect(users).not.toContain('U0MALLORY');
  });

  it("inserts a change's jobs together in one statement, a key given twice once (the first)", async () => {
    const calls: string[] = [];
    const sender = queue.sender;
    const spied: ServiceDeps = {
      ...deps,
      jobs: {
        ...sender,
        send: (...args) => {
          calls.push('send');
          return sender.send(...args);
        },
        sendPrepared: (trx, jobs) => {
          calls.push(`sendPrepared:${jobs.length}`);
          return sender.sendPrepared(trx, jobs);
        },
      },
    };
    await runChange(spied, TEAM, 'U0ADMIN', async (change) => {
      await change.enqueue('notify-role-change', notice('U0FIRST'), { key: 'together' });
      await change.enqueue('notify-role-change', notice('U0SECOND'), { key: 'together' });
      await change.enqueue(
        'publish-home',
        { teamId: TEAM, userId: 'U0FIRST' },
        { key: 'home:U0FIRST' },
      );
      await change.enqueue(
        'publish-home',
        { teamId: TEAM, userId: 'U0FIRST' },
        { key: 'home:U0FIRST' },
      );
    });
    expect(calls).toEqual(['sendPrepared:4']);
    const kept = (await jobs('notify-role-change')).filter((j) => j.key === 'together');
    expect(kept.map((j) => j.data.payload)).toEqual([notice('U0FIRST')]);
    const homes = (await jobs('publish-home')).filter((j) => j.key === 'home:U0FIRST');
    expect(homes).toHaveLength(1);
  });

  it('refuses a payload its job does not accept, rolling the change back', async () => {
    await expect(
      runChange(deps, TEAM, 'U0ADMIN', (change) =>
        change.enqueue('notify-role-change', { teamId: TEAM }, { key: 'bad' }),
      ),
    ).rejects.toThrow();
    // Refused where it is enqueued, not only when the change's jobs are inserted.
    await expect(
      runChange(deps, TEAM, 'U0ADMIN', async (change) => {
        const enqueued = change.enqueue('notify-role-change', { teamId: TEAM }, { key: 'bad' });
        await expect(enqueued).rejects.toThrow();
        throw new Error('refused at the call');
      }),
    ).rejects.toThrow('refused at the call');
    expect((await jobs('notify-role-change')).filter((j) => j.key === 'bad')).toEqual([]);
  });
});
