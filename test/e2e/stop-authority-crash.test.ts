import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import type { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { type Harness, startHarness, startSharedFakeSlack, TEAM } from '../support/app-harness.js';
import { spawnApp } from '../support/app-process.js';
import { EXECS, eventually } from '../support/approval-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { activeEngagement } from '../support/delivery-fixtures.js';

// Terminate committed, then the process killed with SIGKILL while the closing job waits for
// Slack's answer to conversations.archive (Slack archived the channel, the app never heard).
// After a restart the final summary is in the channel exactly once, the channel archived once
// and `channel.archived` recorded once.

let database: TestDatabase;
let fake: FakeSlack;
beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startSharedFakeSlack();
});
afterAll(async () => {
  await fake?.stop();
  await database?.drop();
});

const [ERIN] = EXECS;

describe('terminate, then kill -9 during the archive', () => {
  it('after restart: the final summary once, archived once, recorded once', async () => {
    const e = await activeEngagement({ db: database.db, fake } as Harness);
    const channel = fake.channel(TEAM.id, e.channelId);
    for (const id of e.members) if (!channel?.members.includes(id)) channel?.members.push(id);
    fake.reset();
    fake.delayNext('conversations.archive', 60_000);
    const settings = { AMOS_JOB_EXPIRE: '2s', AMOS_SLACK_TIMEOUT: '2s' };
    const app = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
    try {
      const driver = app.driver(await app.listening);
      const res = await driver.command(ERIN!, `terminate ${e.slug} Vendor breached the charter`);
      expect(String((res.json as { text?: string }).text)).toContain('is terminated');
      await eventually(() => expect(fake.callsTo('conversations.archive')).toHaveLength(1), 20_000);
    } finally {
      await app.kill();
    }
    expect(fake.channel(TEAM.id, e.channelId)?.isArchived).toBe(true);

    const restarted = await startHarness({ databaseUrl: database.url, fake, env: settings });
    try {
      await eventually(async () => {
        const kinds = (await listDecisionRecords(database.db, TEAM.id, e.engagement.id)).map(
          (r) => r.kind,
        );
        expect(kinds).toContain('channel.archived');
      }, 30_000);
      await restarted.app.idle(20_000);
      const summaries = fake
        .messages(e.channelId)
        .filter((m) => JSON.stringify(m).includes('Final record'));
      expect(summaries).toHaveLength(1);
      const records = await listDecisionRecords(database.db, TEAM.id, e.engagement.id);
      const kinds = records.map((r) => r.kind);
      expect(kinds.filter((k) => k === 'channel.archived')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'engagement.terminated')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'boundary.partner_removed')).toHaveLength(e.members.length);
      expect(kinds).not.toContain('slack.error');
      const [chain] = await verifyLog(database.db, {
        teamId: TEAM.id,
        engagementSlug: e.slug,
      });
      expect(chain?.verification.ok).toBe(true);
    } finally {
      await restarted.stop();
    }
  }, 120_000);
});
