import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import type { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { RISK } from '../../src/slack/ids.js';
import { type Harness, startHarness, startSharedFakeSlack, TEAM } from '../support/app-harness.js';
import { spawnApp } from '../support/app-process.js';
import { EXECS, eventually, OPERATOR } from '../support/approval-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { activeEngagement } from '../support/delivery-fixtures.js';

// The app killed with SIGKILL after an escalation is committed and while its DM is on its way:
// after a restart the level-1 DM arrives exactly once and its copy is stored, so Acknowledge
// still updates it in place.

const [ERIN, EVAN] = EXECS;
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

const select = (value: string) => ({
  [RISK.inputAction]: {
    type: 'static_select',
    selected_option: { value, text: { type: 'plain_text', text: value } },
  },
});

describe('the app killed after an escalation is committed', () => {
  it('after restart the level-1 DM arrives once, stored as a copy that Acknowledge updates', async () => {
    const e = await activeEngagement({ db: database.db, fake } as unknown as Harness);
    await database.db
      .updateTable('engagement')
      .set({ escalation_path: JSON.stringify({ level1: [ERIN], level2: [EVAN], level3: [] }) })
      .where('id', '=', e.engagement.id)
      .execute();
    fake.reset();
    // Slack takes the DM at once but answers only after a minute: the process dies with it
    // posted and not stored.
    fake.delayNext('chat.postMessage', 60_000, 1);
    const settings = { AMOS_JOB_EXPIRE: '2s', AMOS_SLACK_TIMEOUT: '2s' };
    const app = spawnApp(['start'], { databaseUrl: database.url, fake, env: settings });
    try {
      const driver = app.driver(await app.listening);
      const res = await driver.command(OPERATOR, `escalate ${e.slug}`);
      expect(res.status).toBe(200);
      const opened = await fake.waitFor('views.open');
      const view = opened.args.view as { private_metadata: string };
      const b = RISK.escalation;
      const submitted = await driver.viewSubmission(OPERATOR, {
        callbackId: RISK.escalationModal,
        privateMetadata: view.private_metadata,
        values: {
          [b.category]: select('quality'),
          [b.severity]: select('critical'),
          [b.needed]: { [RISK.inputAction]: { type: 'plain_text_input', value: 'Stop the line' } },
        },
      });
      expect(submitted.status).toBe(200);
      await eventually(() => expect(fake.callsTo('chat.postMessage')).toHaveLength(1), 20_000);
    } finally {
      await app.kill();
    }
    const escalation = await database.db
      .selectFrom('escalation')
      .selectAll()
      .where('engagement_id', '=', e.engagement.id)
      .executeTakeFirstOrThrow();
    const copies = () =>
      database.db
        .selectFrom('governance_message')
        .select(['channel_id', 'ts', 'recipient_id'])
        .where('subject_id', '=', escalation.id)
        .execute();
    expect(await copies()).toEqual([]);

    fake.reset();
    const restarted = await startHarness({ databaseUrl: database.url, fake, env: settings });
    try {
      await eventually(async () => expect(await copies()).toHaveLength(1), 30_000);
      await restarted.app.idle(20_000);
      const dms = fake
        .directMessages(TEAM.id, ERIN)
        .filter((m) => m.text.startsWith('Escalation ES-1'));
      expect(dms).toHaveLength(1);
      expect(fake.callsTo('chat.postMessage')).toEqual([]);
      const [copy] = await copies();
      expect(copy).toMatchObject({ recipient_id: ERIN, ts: dms[0]?.ts });

      await restarted.driver.blockAction(
        ERIN,
        { actionId: RISK.acknowledgeAction, value: escalation.id },
        { channelId: copy?.channel_id ?? '', messageTs: copy?.ts ?? '' },
      );
      await restarted.app.idle(20_000);
      const updated = fake
        .callsTo('chat.update')
        .filter((u) => u.args.channel === copy?.channel_id && u.args.ts === copy?.ts)
        .at(-1);
      expect(JSON.stringify(updated?.args.blocks)).toContain(`*Acknowledged* by <@${ERIN}>`);
      const kinds = (await listDecisionRecords(database.db, TEAM.id, e.engagement.id)).map(
        (r) => r.kind,
      );
      expect(kinds).toEqual(['escalation.raised', 'escalation.acknowledged']);
    } finally {
      await restarted.stop();
    }
  }, 90_000);
});
