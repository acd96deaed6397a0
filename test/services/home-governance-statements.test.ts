import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/tables.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { homeContent } from '../../src/services/home-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, grant } from '../support/factories.js';

// App Home for an executive sponsoring 50 engagements reads as many statements as for one
// sponsoring 5 (issue 10 review): the governance part is never one statement per engagement.

const TEAM = 'T0AMOS';
let t: TestDatabase;
let traced: Kysely<Database>;
let statements: string[] = [];
let deps: ServiceDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  await grant(t.db, TEAM, 'U0EXEC', 'executive');
  traced = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 5 }) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
  deps = { db: traced, clock: { now: () => new Date('2026-12-01T09:00:00Z') }, admins: [] };
});
afterAll(async () => {
  await traced?.destroy();
  await t?.drop();
});

const STAGES = ['active', 'paused', 'terminated', 'draft', 'execution_approved'] as const;
async function engagements(from: number, to: number) {
  for (let i = from; i < to; i += 1) {
    await createEngagement(t.db, {
      slug: `eng-${i}`,
      stage: STAGES[i % 5],
      sponsorIds: ['U0EXEC'],
    });
  }
}

describe('App Home governance statements', () => {
  it('are as many for 50 engagements as for 5', async () => {
    await engagements(0, 5);
    statements = [];
    const few = await homeContent(deps, TEAM, 'U0EXEC');
    const fewCount = statements.length;
    await engagements(5, 50);
    statements = [];
    const many = await homeContent(deps, TEAM, 'U0EXEC');
    const manyCount = statements.length;
    expect(few.governance?.length).toBe(5);
    expect(many.governance?.length).toBeGreaterThan(5);
    expect(manyCount).toBe(fewCount);
    expect(manyCount).toBeLessThan(20);
  });
});
