import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLogCommand } from '../../src/cli/decision-log-commands.js';
import type { Clock } from '../../src/clock.js';
import { runChange } from '../../src/services/change.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, grant } from '../support/factories.js';

// The weekly digest DMs each executive the head (seq and hash) of each engagement's decision
// record. Kept outside the database, those heads let verify-log find a chain whose tail was cut
// off, which the chain alone cannot show.

let h: Harness;
let t = new Date('2026-12-06T12:00:00Z').getTime(); // a Sunday
const clock: Clock = { now: () => new Date(t) };
beforeAll(async () => {
  h = await startHarness({ clock });
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  h.fake.addUser(TEAM.id, { id: 'U0EXEC', name: 'erin', tz: 'America/New_York' });
});
afterAll(async () => {
  await h?.stop();
});

async function passAt(iso: string) {
  t = new Date(iso).getTime();
  await h.app.scheduler?.runOnce();
  await h.app.idle();
}

async function verify(...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const capture = (key: 'stdout' | 'stderr') => ({
    write(text: string, done: (error?: Error | null) => void) {
      out[key] += text;
      done();
      return true;
    },
  });
  const env = {
    DATABASE_URL: h.app.config.databaseUrl,
    SLACK_SIGNING_SECRET: 'x',
    SLACK_BOT_TOKEN: 'xoxb-x',
    LOG_LEVEL: 'warn',
  };
  const code = await verifyLogCommand(args, env, {
    stdout: capture('stdout'),
    stderr: capture('stderr'),
  });
  return { code, ...out };
}

describe('weekly digest anchors', () => {
  it("carry each engagement's record head, which verify-log uses to detect a truncated chain", async () => {
    const e = await createEngagement(h.db, {
      slug: 'acme-q3',
      stage: 'active',
      sponsorIds: ['U0EXEC'],
    });
    for (const n of [1, 2, 3]) {
      await runChange({ db: h.db, clock, admins: ['U0ADMIN'] }, TEAM.id, 'U0ADMIN', (change) =>
        change.record({
          engagementId: e.id,
          kind: 'test.note',
          subjectRef: null,
          summary: `Note ${n}.`,
        }),
      );
    }
    await passAt('2026-12-06T12:00:00Z'); // schedules the digest for Monday morning
    await passAt('2026-12-07T09:00:00Z'); // Monday 04:00 in New York: it waits
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'U0EXEC')).toEqual(
      [],
    );
    await passAt('2026-12-07T14:00:00Z'); // Monday 09:00 in New York
    const [digest] = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'U0EXEC');
    expect(String(digest?.args.text)).toContain('Your weekly AMOS digest');
    const blocks = JSON.stringify(digest?.args.blocks);
    expect(blocks).toContain('*ACME-Q3*');
    const head = /Decision record head: seq (\d+) · hash `([0-9a-f]{64})`/.exec(blocks);
    expect(head?.[1]).toBe('3');

    // The executive keeps the head; later the table's owner cuts the chain back to record 2.
    const dir = await mkdtemp(path.join(tmpdir(), 'amos-digest-'));
    const file = path.join(dir, 'anchors.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ team: TEAM.id, engagement: 'acme-q3', seq: Number(head?.[1]), hash: head?.[2] })}\n`,
    );
    await h.db.transaction().execute(async (trx) => {
      await sql`alter table decision_record disable trigger decision_record_no_update_delete`.execute(
        trx,
      );
      await sql`delete from decision_record where engagement_id = ${e.id} and seq = 3`.execute(trx);
      await sql`alter table decision_record enable trigger decision_record_no_update_delete`.execute(
        trx,
      );
    });
    const alone = await verify('--engagement', 'acme-q3');
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('T0AMOS acme-q3: OK 2 records');
    const anchored = await verify('--engagement', 'acme-q3', '--anchors', file);
    expect(anchored.code).toBe(1);
    expect(anchored.stdout).toContain(
      'T0AMOS acme-q3: BROKEN at seq 3: The chain ends at record 2, before its anchored head, record 3: records were removed.',
    );
  });
});
