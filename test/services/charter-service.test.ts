import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainRefusal } from '../../src/domain/errors.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { acknowledgeCharter, assertPartnerMayAct } from '../../src/services/charter-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, createPartnerOrg } from '../support/factories.js';

let database: TestDatabase;
let deps: ServiceDeps;
beforeAll(async () => {
  database = await createTestDatabase();
  deps = {
    db: database.db,
    clock: { now: () => new Date('2026-11-25T10:00:00Z') },
    admins: [],
  };
});
afterAll(async () => {
  await database?.drop();
});

const TEAM = 'T0AMOS';

async function engagementWith(stage: string) {
  const org = await createPartnerOrg(database.db, { members: ['U0P1', 'U0P2'], verdict: 'fit' });
  const engagement = await createEngagement(database.db, {
    stage,
    partnerOrgId: org.id,
    partnerChannelId: `C0${stage.toUpperCase()}${Math.random().toString(36).slice(2, 6)}`,
  });
  return engagement;
}

async function refusalOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isDomainRefusal(error)) return error.refusal;
    throw error;
  }
  throw new Error('expected a refusal');
}

const records = (engagementId: string) =>
  database.db
    .selectFrom('decision_record')
    .select(['kind', 'actor_role'])
    .where('engagement_id', '=', engagementId)
    .execute();

describe('assertPartnerMayAct', () => {
  it('lets an acknowledged member of the engagement’s organisation act while active', async () => {
    const engagement = await engagementWith('active');
    await acknowledgeCharter(deps, { teamId: TEAM, userId: 'U0P1', engagementId: engagement.id });
    await expect(
      assertPartnerMayAct(database.db, TEAM, engagement, 'U0P1'),
    ).resolves.toBeUndefined();
  });

  it('refuses a member who has not acknowledged the charter', async () => {
    const engagement = await engagementWith('active');
    const refusal = await refusalOf(assertPartnerMayAct(database.db, TEAM, engagement, 'U0P2'));
    expect(refusal.code).toBe('not_acknowledged');
    expect(refusal.message).toContain('Acknowledge the engagement charter');
  });

  it('refuses before activation and while paused, naming the stage', async () => {
    for (const [stage, words] of [
      ['execution_approved', '/amos activate'],
      ['paused', 'resumes'],
    ] as const) {
      const engagement = await engagementWith(stage);
      const refusal = await refusalOf(assertPartnerMayAct(database.db, TEAM, engagement, 'U0P1'));
      expect(refusal.code).toBe('wrong_stage');
      expect(refusal.message).toContain(words);
    }
  });

  it('refuses someone outside the engagement’s partner organisation, in a transaction too', async () => {
    const engagement = await engagementWith('active');
    await createPartnerOrg(database.db, { members: ['U0OTHER'] });
    const refusal = await refusalOf(
      database.db
        .transaction()
        .execute((trx) => assertPartnerMayAct(trx, TEAM, engagement, 'U0OTHER')),
    );
    expect(refusal.code).toBe('not_partner_member');
  });
});

describe('acknowledgeCharter', () => {
  it('writes one acknowledgement and one record even when clicked twice at once', async () => {
    const engagement = await engagementWith('active');
    const request = { teamId: TEAM, userId: 'U0P1', engagementId: engagement.id };
    const results = await Promise.all([
      acknowledgeCharter(deps, request),
      acknowledgeCharter(deps, request),
    ]);
    expect(results.map((r) => r.acknowledged).sort()).toEqual([false, true]);
    expect(await records(engagement.id)).toEqual([
      { kind: 'charter.acknowledged', actor_role: 'partner' },
    ]);
    expect(results[1]?.acks.map((a) => a.userId)).toEqual(['U0P1']);
    expect(results[1]?.memberIds).toEqual(['U0P1', 'U0P2']);
  });

  it('refuses a non-member and an engagement of another workspace, writing nothing', async () => {
    const engagement = await engagementWith('active');
    const outsider = await refusalOf(
      acknowledgeCharter(deps, { teamId: TEAM, userId: 'U0EXEC', engagementId: engagement.id }),
    );
    expect(outsider.code).toBe('not_partner_member');
    const elsewhere = await refusalOf(
      acknowledgeCharter(deps, { teamId: 'T0OTHER', userId: 'U0P1', engagementId: engagement.id }),
    );
    expect(elsewhere.code).toBe('not_found');
    expect(await records(engagement.id)).toEqual([]);
  });
});
