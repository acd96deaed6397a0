import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { NEW_ENGAGEMENT } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { grant } from '../support/factories.js';

// Stopping drains: a job already running (here: creating the partner channel in Slack, then
// recording it, inviting and DMing the summary) finishes before the database pool closes.
let database: TestDatabase;
let h: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
  h = await startHarness({ databaseUrl: database.url });
  await grant(database.db, TEAM.id, 'U0OPER', 'operator');
  await grant(database.db, TEAM.id, 'U0EXEC', 'executive');
  h.fake.addUser(TEAM.id, { id: 'U0OPER', name: 'oscar' });
  h.fake.addUser(TEAM.id, { id: 'U0EXEC', name: 'erin' });
});
afterAll(async () => {
  await h?.fake.stop();
  await database?.drop();
});

describe('graceful stop', () => {
  it('finishes the work of requests already acked before closing the database', async () => {
    const A = NEW_ENGAGEMENT.inputAction;
    const B = NEW_ENGAGEMENT.blocks;
    const text = (value: string | null) => ({ [A]: { type: 'plain_text_input', value } });
    const users = (list: string[]) => ({
      [A]: { type: 'multi_users_select', selected_users: list },
    });
    h.fake.latencyMs = 800;
    const res = await h.driver.viewSubmission('U0OPER', {
      callbackId: NEW_ENGAGEMENT.callbackId,
      values: {
        [B.name]: text('Drain Q4'),
        [B.slug]: text('drain-q4'),
        [B.client]: text('Acme'),
        [B.sponsors]: users(['U0EXEC']),
        [B.operator]: { [A]: { type: 'users_select', selected_user: 'U0OPER' } },
        [B.channelName]: text('drain-q4-partners'),
        [B.channelExisting]: { [A]: { type: 'conversations_select', selected_conversation: null } },
        [B.escalation1]: users(['U0EXEC']),
        [B.escalation2]: users([]),
        [B.escalation3]: users([]),
        [B.requiredApprovals]: { [A]: { type: 'number_input', value: '1' } },
      },
    });
    expect(res.status).toBe(200);
    // Acked; the job is creating the channel in (slow) Slack when the stop begins.
    await h.fake.waitFor('conversations.create');
    await h.app.stop();
    const engagement = await database.db
      .selectFrom('engagement')
      .selectAll()
      .where('slug', '=', 'drain-q4')
      .executeTakeFirstOrThrow();
    expect(engagement.partner_channel_id).toMatch(/^C/);
    const kinds = (await listDecisionRecords(database.db, TEAM.id, engagement.id)).map(
      (r) => r.kind,
    );
    expect(kinds).toEqual(['engagement.created', 'engagement.channel_linked']);
  });
});
