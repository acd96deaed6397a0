import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { JOBS } from '../../src/jobs/index.js';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Several instances deployed at once on a fresh database: each creates pg-boss's schema and
// every queue. Unserialised, two first starts at the same moment failed with "deadlock detected".

let database: TestDatabase | undefined;
let queues: JobQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.map((q) => q.stop()));
  queues = [];
  await database?.drop();
  database = undefined;
});

describe('startJobQueue', () => {
  it('starts three instances at the same moment on a fresh database', async () => {
    database = await createTestDatabase();
    const db = database;
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'test' });
    const start = () =>
      startJobQueue({
        databaseUrl: db.url,
        db: db.db,
        config,
        logger: createLogger('error'),
        registry: JOBS,
        supervise: false,
      });
    const results = await Promise.allSettled([start(), start(), start()]);
    queues = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'started'))).toEqual([
      'started',
      'started',
      'started',
    ]);
  });
});
