import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEngagementSpec } from '../../src/domain/engagement-setup.js';
import { isDomainRefusal } from '../../src/domain/errors.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { reviewDiagnostic, submitDiagnostic } from '../../src/services/diagnostic-service.js';
import { createEngagement as create } from '../../src/services/engagement-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, grant } from '../support/factories.js';

const TEAM = 'T0AMOS';
let database: TestDatabase;
let deps: ServiceDeps;
beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, clock: { now: () => new Date('2026-11-25T10:00:00Z') }, admins: [] };
  await grant(database.db, TEAM, 'U0OPER', 'operator');
  await grant(database.db, TEAM, 'U0OPER2', 'operator');
  await grant(database.db, TEAM, 'U0EXEC', 'executive');
  await grant(database.db, TEAM, 'U0EXEC2', 'executive');
  await grant(database.db, 'T0OTHER', 'U0EXEC', 'executive');
});
afterAll(async () => {
  await database?.drop();
});

const spec = (overrides: Partial<NewEngagementSpec> = {}): NewEngagementSpec => ({
  name: 'Acme Q3 lifecycle',
  slug: 'acme-q3',
  client: 'Acme',
  sponsorIds: ['U0EXEC'],
  operatorId: 'U0OPER',
  channel: { kind: 'create', name: 'acme-q3-partners' },
  escalationPath: { level1: ['U0EXEC'], level2: [], level3: [] },
  requiredApprovals: 1,
  ...overrides,
});

const recordKinds = async (engagementId: string) =>
  (
    await database.db
      .selectFrom('decision_record')
      .select('kind')
      .where('engagement_id', '=', engagementId)
      .orderBy('seq')
      .execute()
  ).map((r) => r.kind);

const refusalOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (isDomainRefusal(error)) return error.refusal;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('createEngagement', () => {
  it('creates one engagement and one record when the same form arrives twice at once', async () => {
    const results = await Promise.all([
      create(deps, { teamId: TEAM, userId: 'U0OPER', spec: spec() }),
      create(deps, { teamId: TEAM, userId: 'U0OPER', spec: spec() }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['created', 'duplicate']);
    const rows = await database.db
      .selectFrom('engagement')
      .select('id')
      .where('slug', '=', 'acme-q3')
      .execute();
    expect(rows).toHaveLength(1);
    expect(await recordKinds(rows[0]?.id ?? '')).toEqual(['engagement.created']);
  });

  it('refuses a second operator the same slug, as a field error', async () => {
    const refusal = await refusalOf(
      create(deps, { teamId: TEAM, userId: 'U0OPER2', spec: spec({ name: 'Another' }) }),
    );
    expect(refusal.fieldErrors?.slug).toContain('already used');
  });

  it('keeps slugs per workspace: another workspace may use the same one', async () => {
    await grant(database.db, 'T0OTHER', 'U0OPER', 'operator');
    const result = await create(deps, { teamId: 'T0OTHER', userId: 'U0OPER', spec: spec() });
    expect(result.status).toBe('created');
  });

  it('refuses someone without the operator role', async () => {
    const refusal = await refusalOf(
      create(deps, { teamId: TEAM, userId: 'U0EXEC', spec: spec({ slug: 'exec-made' }) }),
    );
    expect(refusal.code).toBe('forbidden_role');
  });
});

describe('Diagnostic and Output Review under concurrency', () => {
  const content = {
    priorities: ['Retention'],
    scores: { retention: 42 },
    findings: 'Churn in month two.',
    recommendedScope: 'Lifecycle email',
  };

  it('turns a double-submitted Diagnostic into one transition and one record', async () => {
    const e = await createEngagement(database.db, { slug: 'double-dx', operatorId: 'U0OPER' });
    const request = { teamId: TEAM, userId: 'U0OPER', engagementId: e.id, content };
    const results = await Promise.all([
      submitDiagnostic(deps, request),
      submitDiagnostic(deps, request),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['submitted', 'unchanged']);
    expect(await recordKinds(e.id)).toEqual(['engagement.diagnostic_submitted']);
  });

  it('lets only one of two concurrent confirmations through', async () => {
    const e = await createEngagement(database.db, {
      slug: 'double-review',
      stage: 'diagnostic_submitted',
      diagnostic: true,
    });
    const confirm = (userId: string) =>
      reviewDiagnostic(deps, {
        teamId: TEAM,
        userId,
        target: { engagementId: e.id },
        decision: 'confirm',
      });
    const settled = await Promise.allSettled([confirm('U0EXEC'), confirm('U0EXEC2')]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const rejected = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.refusal.code).toBe('wrong_stage');
    expect(await recordKinds(e.id)).toEqual(['engagement.outputs_reviewed']);
  });

  it('cannot touch another workspace engagement by id', async () => {
    const e = await createEngagement(database.db, {
      teamId: 'T0OTHER',
      slug: 'theirs',
      stage: 'diagnostic_submitted',
      diagnostic: true,
    });
    const refusal = await refusalOf(
      reviewDiagnostic(deps, {
        teamId: TEAM,
        userId: 'U0EXEC',
        target: { engagementId: e.id },
        decision: 'confirm',
      }),
    );
    expect(refusal.code).toBe('not_found');
    expect(await recordKinds(e.id)).toEqual([]);
  });
});
