import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { APPROVAL } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  approvalPosts,
  commandReply,
  EXECS,
  grantPeople,
  OPERATOR,
  recordsOf,
  reviewedEngagement,
  steppingClock,
} from '../support/approval-fixtures.js';

// Every Slack effect of a change is a job committed with it and delivered once: a chat.postMessage
// answered after the client gave up is found again in the conversation (by its metadata key)
// instead of being posted twice.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    clock: steppingClock(),
    env: { AMOS_SLACK_TIMEOUT: '400ms', AMOS_ADMINS: 'U0ADMIN' },
  });
  await grantPeople(h);
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

const [ERIN, FRANK] = EXECS;

const copiesOf = (approvalRequestId: string) =>
  h.db
    .selectFrom('approval_message')
    .selectAll()
    .where('approval_request_id', '=', approvalRequestId)
    .execute();

const dmsTo = (userId: string, containing: string) =>
  h.fake.directMessages(TEAM.id, userId).filter((m) => m.text.includes(containing));

describe('chat.postMessage answered after the client gave up', () => {
  it('one approval DM per sponsor, every copy stored, no false slack.error', async () => {
    const e = await reviewedEngagement(h, { sponsorIds: [ERIN, FRANK] });
    // Slack posts each DM at once but answers after 1.2 s; the client gives up at 400 ms.
    h.fake.delayNext('chat.postMessage', 1_200, 2);
    const { text } = await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    expect(text).toContain('*EX-1* is out for approval');
    await h.app.idle(20_000);

    const posts = approvalPosts(h, 'EX-1');
    expect(posts.map((p) => p.user).sort()).toEqual([ERIN, FRANK].sort());
    for (const user of [ERIN, FRANK]) expect(dmsTo(user, 'Approval needed: EX-1')).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(2);
    const [request] = await h.db
      .selectFrom('approval_request')
      .select('id')
      .where('engagement_id', '=', e.id)
      .execute();
    const copies = await copiesOf(request?.id ?? '');
    expect(copies.map((c) => c.recipient_id).sort()).toEqual([ERIN, FRANK].sort());
    for (const copy of copies) {
      const dm = h.fake.messages(copy.channel_id).find((m) => m.ts === copy.ts);
      expect(dm?.text).toContain('Approval needed: EX-1');
    }
    const kinds = (await recordsOf(h, e.id)).map((r) => r.kind);
    expect(kinds).not.toContain('slack.error');

    // The stored copies are the ones updated in place when the request is decided.
    h.fake.reset();
    const decided = await commandReply(h, ERIN, `approve ${e.slug} EX-1`);
    expect(decided.text).toContain('EX-1 is approved');
    for (const copy of copies) {
      const dm = h.fake.messages(copy.channel_id).find((m) => m.ts === copy.ts);
      expect(JSON.stringify(dm?.blocks)).toContain('*Approved* by');
      expect(JSON.stringify(dm?.blocks)).not.toContain(APPROVAL.approveAction);
    }
  });

  it('a role grant sends its DM once', async () => {
    h.fake.delayNext('chat.postMessage', 1_200, 1);
    await grantPeople(h);
    const before = (await listDecisionRecords(h.db, TEAM.id, null)).length;
    const { text } = await commandReply(h, 'U0ADMIN', 'role grant <@U0NEWEXEC> executive');
    expect(text).toContain('<@U0NEWEXEC> is now an executive');
    await h.app.idle(20_000);
    expect(dmsTo('U0NEWEXEC', 'made you an executive')).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
    const records = (await listDecisionRecords(h.db, TEAM.id, null)).slice(before);
    expect(records.map((r) => r.kind)).toEqual(['role.granted']);
  });
});
