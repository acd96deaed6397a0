import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL, RISK } from '../../src/slack/ids.js';
import { type Harness, startHarness } from '../support/app-harness.js';
import {
  approvalPosts,
  commandReply,
  EXECS,
  grantPeople,
  OPERATOR,
  reviewedEngagement,
  steppingClock,
} from '../support/approval-fixtures.js';
import { activeEngagement, openedView } from '../support/delivery-fixtures.js';
import { grant } from '../support/factories.js';

// What a decision's follow-up jobs cost in statements (app and PostgreSQL both pay per
// statement), counted on the wire: every query any pool of this process sends, from the request
// until the app is idle, sorted by what it is.

interface Sent {
  readonly text: string;
  rows?: number;
}
const sent: Sent[] = [];
let counting = false;
const original = pg.Client.prototype.query;
function patch() {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (!counting) return (original as (...a: unknown[]) => unknown).apply(this, args);
    const config = args[0] as string | { text: string };
    const entry: Sent = { text: typeof config === 'string' ? config : config.text };
    sent.push(entry);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: { rowCount?: number | null }) => {
        entry.rows = res?.rowCount ?? undefined;
        (last as (e: unknown, r: unknown) => void)(err, res);
      };
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    }
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<{ rowCount?: number | null }>).then(
        (r) => {
          entry.rows = r?.rowCount ?? undefined;
        },
        () => undefined,
      );
    }
    return result;
  } as typeof pg.Client.prototype.query;
}

function kindOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (t === 'begin' || t.startsWith('begin')) return 'begin';
  if (t === 'commit') return 'commit';
  if (t === 'rollback') return 'rollback';
  if (t.includes('pgboss.job')) {
    if (t.startsWith('with next as')) return 'pgboss fetch';
    if (t.includes('json_to_recordset')) return 'pgboss insert (many)';
    if (t.startsWith('insert into pgboss.job')) return 'pgboss insert';
    if (t.includes("state = 'completed'")) return 'pgboss complete';
    if (t.includes("state = 'cancelled'")) return 'pgboss cancel';
    if (t.startsWith('select id from pgboss.job')) return 'pgboss superseded?';
    if (t.includes('deleted_jobs')) return 'pgboss fail';
    if (t.startsWith('select count(*)')) return 'idle() count';
    return `pgboss other: ${t.slice(0, 40)}`;
  }
  if (t.includes('pgboss.')) return `pgboss other: ${t.slice(0, 40)}`;
  if (t.includes('slack_delivery')) return 'delivery ledger';
  return 'app statement';
}

function summary(label: string, decisions: number) {
  const byKind = new Map<string, number>();
  for (const s of sent) {
    let kind = kindOf(s.text);
    if (kind === 'pgboss fetch' && s.rows === 0) kind = 'pgboss fetch (empty)';
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const idleCounts = byKind.get('idle() count') ?? 0;
  const empty = byKind.get('pgboss fetch (empty)') ?? 0;
  const total = sent.length - idleCounts - empty;
  const lines = [...byKind.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `  ${k.padEnd(28)} ${(n / decisions).toFixed(1)}`);
  if (process.env.JOB_COST_DETAIL) {
    const byText = new Map<string, number>();
    for (const s of sent) {
      const t = s.text.replace(/\s+/g, ' ').trim().slice(0, 110);
      byText.set(t, (byText.get(t) ?? 0) + 1);
    }
    console.log(
      [...byText.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${(n / decisions).toFixed(1).padStart(5)} ${t}`)
        .join('\n'),
    );
  }
  console.log(
    `${label}: ${(total / decisions).toFixed(1)} statements per decision (without idle() counts and empty polls)\n${lines.join('\n')}`,
  );
  const per = (kind: string) => (byKind.get(kind) ?? 0) / decisions;
  return {
    total: total / decisions,
    inserts: per('pgboss insert') + per('pgboss insert (many)'),
    fetches: per('pgboss fetch'),
    completes: per('pgboss complete'),
    supersedes: per('pgboss superseded?') + per('pgboss cancel'),
    ledger: per('delivery ledger'),
  };
}

/** CPU ms of PostgreSQL's processes (the postmaster's children), from /proc; 0 where not Linux. */
let postmaster: number | undefined;
function pgCpuMs(): number {
  if (!postmaster) return 0;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== postmaster && Number(entry) !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}

async function measure<T>(label: string, n: number, run: (i: number) => Promise<T>) {
  sent.length = 0;
  counting = true;
  const app = process.cpuUsage();
  const pgBefore = pgCpuMs();
  for (let i = 0; i < n; i += 1) {
    await run(i);
    await h.app.idle();
  }
  counting = false;
  const used = process.cpuUsage(app);
  console.log(
    `${label}: CPU per decision: this process (app, driver, fake Slack) ${((used.user + used.system) / 1000 / n).toFixed(2)} ms, PostgreSQL ${((pgCpuMs() - pgBefore) / n).toFixed(2)} ms`,
  );
  return summary(label, n);
}

// More for steadier CPU figures: JOB_COST_VOTES=60 JOB_COST_RISKS=30.
const VOTES = Number(process.env.JOB_COST_VOTES ?? 10);
const RISKS = Number(process.env.JOB_COST_RISKS ?? 5);

let h: Harness;
beforeAll(async () => {
  patch();
  // Inside working hours (Wednesday noon UTC), so DMs go at once.
  h = await startHarness({ clock: steppingClock(), env: { AMOS_JOB_POLL: '60s' } });
  await grantPeople(h);
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(h.db);
  try {
    const stat = readFileSync(`/proc/${rows[0]?.pid}/stat`, 'utf8');
    postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    postmaster = undefined;
  }
});
afterAll(async () => {
  pg.Client.prototype.query = original;
  await h?.stop();
});

describe('statements per decision, jobs included', () => {
  it('a vote (Approve button) that does not decide', async () => {
    const voters = Array.from({ length: VOTES }, (_, i) => `U0VOTE${i}`);
    for (const id of voters) await grant(h.db, 'T0AMOS', id, 'executive');
    // As in the bench, the voted request is not among the first ten of the voters' waiting
    // lists, so a vote refreshes its copies and the voter's own App Home only.
    for (let i = 0; i < 10; i += 1) {
      const older = await reviewedEngagement(h, {
        sponsorIds: voters,
        requiredApprovals: VOTES + 1,
      });
      await commandReply(h, OPERATOR, `scope ${older.slug} submit`);
    }
    const e = await reviewedEngagement(h, { sponsorIds: voters, requiredApprovals: VOTES + 1 });
    h.fake.reset();
    const submitted = await measure('approval request submitted', 1, async () => {
      const { text } = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
      expect(text).toContain('out for approval');
    });
    // The change's jobs in one insert, and the App Home fan-out to everyone it concerns (its
    // copies job's) in one more, not one transaction each.
    expect(submitted.inserts).toBe(2);
    const posts = approvalPosts(h, 'EX-1');
    const [request] = await h.db
      .selectFrom('approval_request')
      .select('id')
      .where('engagement_id', '=', e.id)
      .execute();
    const perVote = await measure('vote', voters.length, async (i) => {
      const voter = voters[i] as string;
      const at = posts.find((p) => p.user === voter);
      const res = await h.driver.blockAction(
        voter,
        {
          actionId: APPROVAL.approveAction,
          blockId: APPROVAL.actionsBlock(request?.id ?? ''),
          value: request?.id ?? '',
        },
        { channelId: at?.channel, messageTs: at?.ts },
      );
      expect(res.status).toBe(200);
    });
    // Both jobs in one insert with the change; each batch fetched, superseded and completed in
    // one statement each (the vote's two jobs are of two queues: two batches).
    expect(perVote.inserts).toBe(1);
    expect(perVote.completes).toBeLessThanOrEqual(perVote.fetches);
    expect(perVote.supersedes).toBeLessThanOrEqual(perVote.fetches);
  }, 60_000);

  it('a risk raised by a partner (DMs and App Homes of the operator and sponsors)', async () => {
    const e = await activeEngagement(h);
    const views: { private_metadata: string }[] = [];
    for (let i = 0; i < RISKS; i += 1)
      views.push((await openedView(h, e.partner, `risk ${e.slug}`)).view);
    await h.app.idle();
    const b = RISK.risk;
    const text = (value: string) => ({ [RISK.inputAction]: { type: 'plain_text_input', value } });
    const select = (value: string) => ({
      [RISK.inputAction]: {
        type: 'static_select',
        selected_option: { value, text: { type: 'plain_text', text: value } },
      },
    });
    const perRisk = await measure('risk submit', views.length, async (i) => {
      const res = await h.driver.viewSubmission(e.partner, {
        callbackId: RISK.modal,
        privateMetadata: views[i]?.private_metadata ?? '',
        values: {
          [b.title]: text(`Risk ${i}`),
          [b.category]: select('data'),
          [b.severity]: select('low'),
          [b.description]: text('The export contains personal data.'),
          [b.mitigation]: text('Mask the columns before export'),
        },
      });
      expect(res.status).toBe(200);
    });
    // Eight jobs (four DMs, four App Homes) in one insert; completed per batch, not per job.
    expect(EXECS.length).toBe(3);
    expect(perRisk.inserts).toBe(1);
    expect(perRisk.completes).toBeLessThanOrEqual(perRisk.fetches);
    expect(perRisk.supersedes).toBeLessThanOrEqual(perRisk.fetches);
    // Each DM's ledger: the claim (one statement when granted) and where it landed.
    expect(perRisk.ledger).toBeLessThanOrEqual(4 * 2);
  }, 60_000);
});
