// The statements on each case's path, captured by running the case's service call once on the
// seeded workspace through a Kysely that logs every query, then each distinct statement run
// again under EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back. Written to
// bench/EXPLAIN.md by `npm run bench`. (Only the service calls: the listener's own reads and
// what runs after the ack, e.g. re-rendering approval copies, are not in it.)
import { writeFile } from 'node:fs/promises';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/db/database.js';
import type { Database } from '../src/db/tables.js';
import { decide } from '../src/services/approval-service.js';
import { listWaiting } from '../src/services/approval-view-service.js';
import type { ServiceDeps } from '../src/services/change.js';
import { engagementStatus } from '../src/services/engagement-status-service.js';
import { actOnEscalationById } from '../src/services/escalation-service.js';
import { handlePartnerJoin, recordJoinOutcome } from '../src/services/gating-service.js';
import { homeContent } from '../src/services/home-service.js';
import { raiseRisk } from '../src/services/risk-service.js';
import { grantRole } from '../src/services/role-service.js';
import { addScopeItem } from '../src/services/scope-service.js';
import {
  admin,
  approvalId,
  ESCALATIONS,
  escalationId,
  executive,
  operator,
  orgOfEngagement,
  partnerChannel,
  partnersOfOrg,
  slug,
  TEAM,
} from './workspace.js';

interface Traced {
  name: string;
  statements: CompiledQuery[];
  ms: number;
  error?: string;
}

// Requests the load never sends (executive 49 on the last engagements of each group), so the
// trace sees the same path as the load's first requests and changes nothing they depend on.
const PATHS: { name: string; run: (deps: ServiceDeps) => Promise<unknown> }[] = [
  {
    name: 'status',
    run: (deps) => engagementStatus(deps, { teamId: TEAM.id, userId: executive(1), slug: slug(5) }),
  },
  {
    name: 'approve-list',
    run: (deps) => listWaiting(deps, { teamId: TEAM.id, userId: executive(48) }),
  },
  {
    // What every App Home publish reads (the list above plus the engagements).
    name: 'app-home',
    run: (deps) => homeContent(deps, TEAM.id, executive(48)),
  },
  {
    name: 'approve',
    run: (deps) =>
      decide(deps, {
        teamId: TEAM.id,
        userId: executive(49),
        ref: 'EX-1',
        slug: slug(399),
        decision: 'approve',
        channelId: 'C0GENERAL',
      }),
  },
  {
    name: 'role-grant',
    run: (deps) => grantRole(deps, TEAM.id, admin(0), { userId: executive(49), role: 'operator' }),
  },
  {
    name: 'scope-item-submit',
    run: (deps) =>
      addScopeItem(deps, {
        teamId: TEAM.id,
        userId: operator(699),
        slug: slug(699),
        title: 'Traced item',
        criteria: ['Traced'],
        dueDate: '2027-03-01',
      }),
  },
  {
    name: 'approve-button',
    run: (deps) =>
      decide(deps, {
        teamId: TEAM.id,
        userId: executive(49),
        approvalRequestId: approvalId(599),
        decision: 'approve',
      }),
  },
  {
    name: 'risk-submit',
    run: (deps) =>
      raiseRisk(deps, {
        teamId: TEAM.id,
        userId: operator(699),
        slug: slug(699),
        formId: 'bench-explain-risk',
        input: {
          title: 'Traced risk',
          category: 'timeline',
          severity: 'low',
          description: 'The vendor may slip a week.',
          mitigation: 'Ask for a weekly check-in',
        },
      }),
  },
  {
    // The last escalation the load would press (request 9,999): acknowledged here, a press of
    // it later is answered "already acknowledged" and counted as already done.
    name: 'escalation-ack',
    run: (deps) =>
      actOnEscalationById(deps, {
        teamId: TEAM.id,
        userId: executive(599),
        escalationId: escalationId(599, ESCALATIONS.perEngagement - 1),
        action: 'acknowledge',
      }),
  },
  {
    name: 'member-joined',
    run: async (deps) => {
      const user = partnersOfOrg(orgOfEngagement(999))[9] as string;
      const event = { teamId: TEAM.id, channelId: partnerChannel(999), userId: user };
      const outcome = await handlePartnerJoin(deps, { ...event, mode: 'enforce' });
      if (outcome.action === 'none') return;
      await recordJoinOutcome(deps, {
        teamId: TEAM.id,
        userId: user,
        engagement: outcome.engagement,
        action: outcome.action,
        joinedSeq: outcome.record.seq,
      });
    },
  },
];

function summarisePlan(lines: string[]): {
  top: string;
  ms: string;
  buffers: string;
  seqScans: string[];
} {
  const top = (lines[0] ?? '').replace(/\s+\(cost=.*$/, '').trim();
  const ms = /Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1] ?? '?';
  const buffers =
    lines
      .find((l) => l.trim().startsWith('Buffers:'))
      ?.trim()
      .replace('Buffers: ', '') ?? '';
  const seqScans = lines
    .filter((l) => l.includes('Seq Scan'))
    .map((l) =>
      l
        .trim()
        .replace(/\s+\(cost=.*$/, '')
        .replace(/^->\s*/, ''),
    );
  return { top, ms, buffers, seqScans };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) in a rolled-back transaction; the plan alone when the statement
 * cannot run again (an insert of a row the traced call already wrote).
 */
async function explainOne(client: pg.PoolClient, query: CompiledQuery): Promise<string> {
  const run = async (options: string) => {
    await client.query('begin');
    try {
      const result = await client.query(`explain (${options}) ${query.sql}`, [...query.parameters]);
      return summarisePlan(result.rows.map((r: Record<string, string>) => r['QUERY PLAN'] ?? ''));
    } finally {
      await client.query('rollback');
    }
  };
  try {
    const plan = await run('analyze, buffers');
    return `${plan.top} | ${plan.ms} | ${plan.buffers} | ${plan.seqScans.join('; ')}`;
  } catch {
    const plan = await run('costs off').catch(() => undefined);
    if (!plan) return '(not explained) | | |';
    return `${plan.top} (plan only: it wrote a row the call already wrote) | | | ${plan.seqScans.join('; ')}`;
  }
}

export async function explainPaths(url: string, file: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let current: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') current.push(event.query);
    },
  });
  const deps: ServiceDeps = { db, clock: { now: () => new Date() }, admins: ['UADM0000'] };
  const traced: Traced[] = [];
  try {
    for (const path of PATHS) {
      current = [];
      const t = performance.now();
      const error = await path.run(deps).then(
        () => undefined,
        (e: unknown) => String(e),
      );
      traced.push({
        name: path.name,
        statements: current,
        ms: performance.now() - t,
        ...(error ? { error } : {}),
      });
    }
    const out: string[] = [
      '# Statements on each path, with their plans',
      '',
      'Written by `npm run bench` (before the load) or `npx tsx bench/explain.ts` on the seeded workspace. Each',
      "case's service call is run once through a Kysely that logs its statements; each distinct",
      'statement is then run again under `EXPLAIN (ANALYZE, BUFFERS)` and rolled back. Listener',
      'reads and work after the ack (replies, re-rendered copies) are not included.',
      '',
      '| path | statements | distinct | wall ms (one call, idle) | outcome |',
      '|---|---|---|---|---|',
      ...traced.map(
        (t) =>
          `| ${t.name} | ${t.statements.length} | ${new Set(t.statements.map((s) => s.sql)).size} | ${t.ms.toFixed(1)} | ${t.error ? `refused or failed: ${t.error.slice(0, 120)}` : 'done'} |`,
      ),
      '',
    ];
    const client = await pool.connect();
    try {
      for (const t of traced) {
        out.push(
          `## ${t.name}`,
          '',
          '| # | times | statement | plan | execution ms | buffers | seq scans |',
          '|---|---|---|---|---|---|---|',
        );
        const distinct = new Map<string, { query: CompiledQuery; times: number }>();
        for (const q of t.statements) {
          const seen = distinct.get(q.sql);
          if (seen) seen.times += 1;
          else distinct.set(q.sql, { query: q, times: 1 });
        }
        let k = 0;
        for (const { query, times } of distinct.values()) {
          k += 1;
          const text = query.sql.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
          const shown = text.length > 160 ? `${text.slice(0, 160)}…` : text;
          if (/^(begin|commit|rollback)\b/i.test(query.sql)) {
            out.push(`| ${k} | ${times} | \`${shown}\` | (transaction control) | | | |`);
            continue;
          }
          out.push(`| ${k} | ${times} | \`${shown}\` | ${await explainOne(client, query)} |`);
        }
        out.push('');
      }
    } finally {
      client.release();
    }
    const text = out.join('\n');
    await writeFile(file, text);
    return text;
  } finally {
    await db.destroy();
  }
}

/**
 * `npx tsx bench/explain.ts [file]`: the statement trace alone (no load): an embedded
 * PostgreSQL (or DATABASE_URL's server as is), migrated and seeded as `npm run bench` seeds it,
 * then bench/EXPLAIN.md (or `file`). The embedded server and its folder are removed after.
 */
async function main(): Promise<void> {
  const { chmod, mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { sql } = await import('kysely');
  const { startEmbeddedPostgres } = await import('../src/db/embedded-postgres.js');
  const { migrateToLatest } = await import('../src/db/migrate.js');
  const { seedLargeWorkspace } = await import('./seed.js');
  const work = await mkdtemp(path.join(tmpdir(), 'amos-explain-'));
  await chmod(work, 0o755);
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(work, 'pg-data'),
    persistent: false,
  });
  try {
    // No statement timeout: the bulk seed statements take seconds on a loaded machine.
    const db: Db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: embedded.url, max: 2 }),
      }),
    });
    try {
      await migrateToLatest(db);
      await seedLargeWorkspace(db);
      await sql`analyze`.execute(db);
    } finally {
      await db.destroy();
    }
    const file = process.argv[2] ?? path.join(import.meta.dirname, 'EXPLAIN.md');
    const text = await explainPaths(embedded.url, file);
    console.log(text.split('\n## ')[0]);
  } finally {
    await embedded.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
