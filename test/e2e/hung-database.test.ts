import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { APPROVAL, SCOPE } from '../../src/slack/ids.js';
import { DATABASE_UNAVAILABLE } from '../../src/slack/refusals.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  EXECS,
  eventually,
  grantPeople,
  OPERATOR,
  responsesTo,
  reviewedEngagement,
} from '../support/approval-fixtures.js';

// A database that neither answers nor refuses: its server processes are stopped (SIGSTOP).
// Every path still answers inside Slack's 3 s, saying that nothing was changed, /readyz says
// 503, and once the server runs again (SIGCONT) so does the app. Its own server, so it can stop.
const SLACK_DEADLINE_MS = 3_000;
const ADMIN = 'U0ADMIN';

let dataDir: string;
let pg: EmbeddedDatabase;
let h: Harness;
let stopped: number[] = [];

async function serverPids(): Promise<number[]> {
  const postmaster = Number(
    (await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(postmaster)])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    children = [];
  }
  return [postmaster, ...children];
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'amos-hung-'));
  await chmod(dataDir, 0o755);
  pg = await startEmbeddedPostgres({ dataDir });
  h = await startHarness({ databaseUrl: pg.url, env: { AMOS_ADMINS: ADMIN } });
  await grantPeople(h);
});
afterAll(async () => {
  signal(stopped, 'SIGCONT');
  await h?.stop();
  await pg?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function timed<T>(send: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await send();
  return { res, ms: Date.now() - started };
}

const textOf = (json: unknown) => String((json as { text?: string } | undefined)?.text ?? '');

describe('a hung database', () => {
  it('gets an answer within 3 s on every path, /readyz 503, and works again once it runs', async () => {
    const e = await reviewedEngagement(h, { scopeItems: [], stages: [] });
    // Warm up: the workspace is known and the pool holds connections that will hang.
    const warm = await h.driver.command(EXECS[0], 'status');
    expect(warm.status).toBe(200);

    stopped = await serverPids();
    signal(stopped, 'SIGSTOP');

    const metadata = JSON.stringify({ slug: e.slug, responseUrl: h.fake.createResponseUrl() });
    const [grant, status, approve, submission, click, ready] = await Promise.all([
      timed(() => h.driver.command(ADMIN, 'role grant <@U0HUNG> operator')),
      timed(() => h.driver.command(EXECS[0], `status ${e.slug}`)),
      timed(() => h.driver.command(EXECS[0], `approve ${e.slug} EX-1`)),
      timed(() =>
        h.driver.viewSubmission(OPERATOR, {
          callbackId: SCOPE.itemModal,
          privateMetadata: metadata,
          values: {
            [SCOPE.titleBlock]: {
              [SCOPE.titleAction]: { type: 'plain_text_input', value: 'Pages' },
            },
            [SCOPE.criteriaBlock]: {
              [SCOPE.criteriaAction]: { type: 'plain_text_input', value: 'Fast' },
            },
            [SCOPE.dueBlock]: {
              [SCOPE.dueAction]: { type: 'datepicker', selected_date: '2026-12-15' },
            },
          },
        }),
      ),
      timed(() =>
        h.driver.blockAction(EXECS[1], {
          actionId: APPROVAL.approveAction,
          value: '00000000-0000-0000-0000-000000000000',
        }),
      ),
      timed(() => fetch(`${h.baseUrl}/readyz`)),
    ]);

    for (const command of [grant, status, approve]) {
      expect(command.res.status).toBe(200);
      expect(command.ms).toBeLessThan(SLACK_DEADLINE_MS);
      expect(textOf(command.res.json)).toBe(DATABASE_UNAVAILABLE);
    }
    expect(submission.ms).toBeLessThan(SLACK_DEADLINE_MS);
    expect(submission.res.json).toEqual({
      response_action: 'errors',
      errors: { [SCOPE.titleBlock]: DATABASE_UNAVAILABLE },
    });
    expect(click.res.status).toBe(200);
    expect(click.ms).toBeLessThan(SLACK_DEADLINE_MS);
    const [clickReply] = await responsesTo(h, click.res.responseUrl);
    expect(textOf(clickReply?.body)).toBe(DATABASE_UNAVAILABLE);
    expect(ready.res.status).toBe(503);
    expect(ready.ms).toBeLessThan(SLACK_DEADLINE_MS);

    signal(stopped, 'SIGCONT');
    stopped = [];
    await eventually(async () => {
      expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
    });
    await eventually(async () => {
      const res = await h.driver.command(ADMIN, 'role grant <@U0HUNG> operator');
      expect(textOf(res.json)).not.toBe(DATABASE_UNAVAILABLE);
      const roles = await h.db
        .selectFrom('role_grant')
        .select('role')
        .where('team_id', '=', TEAM.id)
        .where('user_id', '=', 'U0HUNG')
        .execute();
      expect(roles.map((r) => r.role)).toEqual(['operator']);
    });
  });
});
