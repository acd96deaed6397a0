import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/tables.js';
import {
  listWaiting,
  loadApprovalView,
  WAITING_LISTED,
} from '../../src/services/approval-view-service.js';
import type { ServiceDeps } from '../../src/services/change.js';
import { homeContent } from '../../src/services/home-service.js';
import { waitingList } from '../../src/slack/blocks/approval-replies.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createEngagement, grant } from '../support/factories.js';

// The waiting list (`/amos approve`, App Home) reads a fixed number of statements however many
// requests are pending (it was five per request: 2,402 statements with 600 pending), and lists
// the same views, oldest first, as reading each request alone.

const TEAM = 'T0AMOS';
const ME = 'U0EXEC';
const PENDING = 30;

let t: TestDatabase;
let traced: Db;
let statements: string[] = [];
let deps: ServiceDeps;
/** Request ids waiting on ME, oldest first. */
const waiting: string[] = [];
let slugOfSecond = '';

async function request(
  engagementId: string,
  n: number,
  o: { requester?: string; votes?: unknown[]; status?: 'pending' | 'approved'; teamId?: string },
) {
  const row = await t.db
    .insertInto('approval_request')
    .values({
      team_id: o.teamId ?? TEAM,
      engagement_id: engagementId,
      ref: 'EX-1',
      subject: 'execution_requirements',
      required_approvals: 3,
      requester_ids: [o.requester ?? 'U0OPER'],
      requested_by: o.requester ?? 'U0OPER',
      // Inserted out of order, so "oldest first" is the query's doing.
      requested_at: new Date(Date.UTC(2026, 10, 1, 9, (n * 7) % 60, n)),
      votes: JSON.stringify(o.votes ?? []),
    })
    .returning(['id', 'requested_at'])
    .executeTakeFirstOrThrow();
  if (o.status) {
    await t.db
      .updateTable('approval_request')
      .set({ status: o.status })
      .where('id', '=', row.id)
      .execute();
  }
  return row;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await grant(t.db, TEAM, ME, 'executive');
  await grant(t.db, TEAM, 'U0EXEC2', 'executive');
  const mine: { id: string; at: Date; slug: string }[] = [];
  for (let n = 0; n < PENDING; n += 1) {
    const e = await createEngagement(t.db, {
      slug: `eng-${String(n).padStart(2, '0')}`,
      stage: 'outputs_reviewed',
      scopeItems: [{ title: `Item A${n}` }, { title: `Item B${n}` }],
      stages: [{ name: `Review ${n}` }],
    });
    const r = await request(e.id, n, {});
    mine.push({ id: r.id, at: r.requested_at, slug: e.slug });
    if (n % 5 === 0) {
      await t.db
        .insertInto('approval_message')
        .values({
          team_id: TEAM,
          approval_request_id: r.id,
          channel_id: `D0${n}`,
          ts: `1700000000.00${n}`,
          recipient_id: ME,
        })
        .execute();
    }
  }
  // Not waiting on ME: requested by ME, voted by ME, decided, another workspace's.
  const own = await createEngagement(t.db, { slug: 'own', stage: 'outputs_reviewed' });
  await request(own.id, 40, { requester: ME });
  const voted = await createEngagement(t.db, { slug: 'voted', stage: 'outputs_reviewed' });
  await request(voted.id, 41, {
    votes: [{ userId: ME, decision: 'approve', at: '2026-11-01T10:00:00.000Z' }],
  });
  const decided = await createEngagement(t.db, { slug: 'decided', stage: 'outputs_reviewed' });
  await request(decided.id, 42, { status: 'approved' });
  const other = await createEngagement(t.db, { teamId: 'T0OTHER', slug: 'other' });
  await request(other.id, 43, { teamId: 'T0OTHER' });

  mine.sort((a, b) => a.at.getTime() - b.at.getTime());
  waiting.push(...mine.map((m) => m.id));
  slugOfSecond = mine[1]?.slug ?? '';
  traced = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 5 }) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
  deps = { db: traced, clock: { now: () => new Date('2026-11-26T09:00:00Z') }, admins: [] };
});

afterAll(async () => {
  await traced?.destroy();
  await t?.drop();
});

describe('the waiting list', () => {
  it(`reads ${PENDING} pending requests in three statements and lists the oldest ${WAITING_LISTED} as each alone`, async () => {
    statements = [];
    const list = await listWaiting(deps, { teamId: TEAM, userId: ME });
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(list.total).toBe(PENDING);
    expect(list.views.map((v) => v.id)).toEqual(waiting.slice(0, WAITING_LISTED));
    const alone = await Promise.all(
      waiting.slice(0, WAITING_LISTED).map((id) => loadApprovalView(deps, TEAM, id)),
    );
    expect(list.views).toEqual(alone);
    expect(list.views[0]?.scopeItems.map((i) => i.ref)).toEqual(['SC-1', 'SC-2']);
    expect(list.views.some((v) => v.copies.length === 1)).toBe(true);
  });

  it('reads the same statements for one engagement, and for App Home', async () => {
    statements = [];
    const one = await listWaiting(deps, {
      teamId: TEAM,
      userId: ME,
      slug: slugOfSecond.toUpperCase(),
    });
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(one.total).toBe(1);
    expect(one.views.map((v) => v.id)).toEqual([waiting[1]]);

    statements = [];
    const home = await homeContent(deps, TEAM, ME);
    expect(home.waiting.total).toBe(PENDING);
    expect(home.waiting.views).toHaveLength(WAITING_LISTED);
    // The actor (once, handed to each part), the list's two, the reviews waiting, the
    // engagements, the governance figures (counts, health and transitions in one)
    // and what risks and escalations wait on them (one): a fixed handful, not one per request
    // or per engagement (16 before the actor was read once and reads were combined).
    expect(statements.length).toBeLessThanOrEqual(7);
    expect(statements.filter((s) => s.includes('from role_grant')).length).toBe(1);
  });

  it('renders the first ten and says how many more and how to narrow the list', async () => {
    const list = await listWaiting(deps, { teamId: TEAM, userId: ME });
    const rendered = waitingList(list);
    const text = JSON.stringify(rendered.blocks);
    expect(rendered.blocks.length).toBeLessThanOrEqual(50);
    expect(text).toContain(`${PENDING} items wait on your decision`);
    expect(text).toContain(`…and ${PENDING - WAITING_LISTED} more, oldest first.`);
    expect(text).toContain('/amos approve <slug>');
    expect(rendered.text).toContain(`and ${PENDING - WAITING_LISTED} more`);
  });

  it('leaves out only what the caller requested or voted on, decided requests and other workspaces', async () => {
    const list = await listWaiting(deps, { teamId: TEAM, userId: 'U0EXEC2' });
    // U0EXEC2 requested and voted on nothing: every pending request of this team waits on them.
    expect(list.total).toBe(PENDING + 2);
  });
});
