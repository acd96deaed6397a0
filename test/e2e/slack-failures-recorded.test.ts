import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { FIT_CRITERIA, FIT_SIGNAL_KEYS } from '../../src/domain/fit.js';
import { ACTIVATION, DIAGNOSTIC_FORM, FIT } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { eventually, recordsOf, responsesTo } from '../support/approval-fixtures.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';
import { partnerEngagement } from '../support/partner-channel.js';

// Slack failures that used to be only logged: each is now a `slack.error` in the decision
// record and, where someone should act, reported to them by DM.

let h: Harness;
let counter = 0;
beforeAll(async () => {
  h = await startHarness();
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  for (const id of ['U0EXEC', 'U0SPONA', 'U0SPONB']) await grant(h.db, TEAM.id, id, 'executive');
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.fake.reset();
});

const slug = () => {
  counter += 1;
  return `notice-${counter}-${Math.random().toString(36).slice(2, 6)}`;
};

/** The text of the operator's (or anyone's) DMs, blocks included. */
const dmsOf = (userId: string) => JSON.stringify(h.fake.directMessages(TEAM.id, userId));

/** A Diagnostic form as Slack sends it. */
function diagnosticValues() {
  const A = DIAGNOSTIC_FORM.inputAction;
  const B = DIAGNOSTIC_FORM.blocks;
  const text = (value: string) => ({ [A]: { type: 'plain_text_input', value } });
  return {
    [B.priorities]: text('1. Retention'),
    [B.scores]: text('retention: 42'),
    [B.findings]: text('Churn concentrates in month two.'),
    [B.recommendedScope]: text('Lifecycle email program'),
  };
}

describe('a DM about an engagement that Slack refuses', () => {
  it('a sponsor not told that a Diagnostic awaits review: recorded, and the operator told', async () => {
    const engagement = await createEngagement(h.db, {
      slug: slug(),
      stage: 'draft',
      sponsorIds: ['U0SPONA', 'U0SPONB'],
    });
    h.fake.failNext('chat.postMessage', { error: 'channel_not_found', channel: 'U0SPONA' });
    const res = await h.driver.viewSubmission('U0OPER', {
      callbackId: DIAGNOSTIC_FORM.callbackId,
      privateMetadata: JSON.stringify({ engagementId: engagement.id }),
      values: diagnosticValues(),
    });
    expect(res.status).toBe(200);

    await eventually(async () => {
      const errors = (await recordsOf(h, engagement.id)).filter((r) => r.kind === 'slack.error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.details).toEqual({
        method: 'chat.postMessage',
        error: 'channel_not_found',
        user: 'U0SPONA',
      });
      expect(errors[0]?.summary).toContain('awaits their Output Review');
      expect(errors[0]?.actor_id).toBe('U0OPER');
    });
    await eventually(() => {
      const dms = dmsOf('U0OPER');
      expect(dms).toContain('AMOS could not tell <@U0SPONA>');
      expect(dms).toContain('channel_not_found');
      expect(dms).toContain(`/amos review ${engagement.slug}`);
    });
    expect(dmsOf('U0SPONB')).toContain('for Output Review');
    expect(h.fake.directMessages(TEAM.id, 'U0SPONA')).toEqual([]);
  });

  it('the operator not told of a send-back: recorded, and the reviewer told', async () => {
    const engagement = await createEngagement(h.db, {
      slug: slug(),
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: ['U0EXEC'],
    });
    h.fake.failNext('chat.postMessage', { error: 'user_not_found', channel: 'U0OPER' });
    const res = await h.driver.command(
      'U0EXEC',
      `review ${engagement.slug} send-back Scores need Q2 evidence`,
    );
    await responsesTo(h, res.responseUrl);

    await eventually(async () => {
      const records = await recordsOf(h, engagement.id);
      const error = records.find((r) => r.kind === 'slack.error');
      expect(error?.details).toEqual({
        method: 'chat.postMessage',
        error: 'user_not_found',
        user: 'U0OPER',
      });
      expect(error?.summary).toContain('was sent back');
      expect(error?.actor_id).toBe('U0EXEC');
    });
    await eventually(() => {
      const dms = dmsOf('U0EXEC');
      expect(dms).toContain('AMOS could not tell <@U0OPER>');
      expect(dms).toContain('user_not_found');
    });
  });
});

describe('the charter acknowledgement message that Slack will not update', () => {
  it('is recorded, and the partner who acknowledged is told their acknowledgement stands', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h, { stage: 'active' });
    const partner = members[0] as string;
    h.fake.failNext('chat.update', { error: 'cant_update_message' });
    const res = await h.driver.blockAction(
      partner,
      { actionId: ACTIVATION.charterAckAction, value: engagement.id },
      { channelId, messageTs: '1700000000.000100' },
    );

    await eventually(async () => {
      const kinds = (await recordsOf(h, engagement.id)).map((r) => r.kind);
      expect(kinds).toEqual(['charter.acknowledged', 'slack.error']);
      const [, error] = await recordsOf(h, engagement.id);
      expect(error?.details).toEqual({
        method: 'chat.update',
        error: 'cant_update_message',
        channel: channelId,
        user: partner,
      });
    });
    const replies = await responsesTo(h, res.responseUrl, 2);
    expect(String(replies[1]?.body.text)).toContain('Your acknowledgement is recorded');
    expect(String(replies[1]?.body.text)).toContain('cant_update_message');
  });
});

describe('the fit verdict DM that Slack refuses', () => {
  it('is recorded as a slack.error in the workspace chain', async () => {
    const org = await createPartnerOrg(h.db, { name: `Fit failure ${slug()}`, members: [] });
    const values: Record<string, Record<string, unknown>> = {};
    for (const { key } of FIT_CRITERIA) {
      const signal = (FIT_SIGNAL_KEYS as readonly string[]).includes(key);
      values[FIT.holdsBlock(key)] = {
        fit_holds: {
          type: 'radio_buttons',
          selected_option: { value: signal ? 'yes' : 'no' },
        },
      };
      values[`fit_${key}_evidence`] = {
        fit_evidence: { type: 'plain_text_input', value: signal ? `Reference: ${key}` : null },
      };
    }
    h.fake.failNext('chat.postMessage', { error: 'missing_scope' });
    const res = await h.driver.viewSubmission('U0EXEC', {
      callbackId: FIT.callbackId,
      privateMetadata: JSON.stringify({ partnerOrgId: org.id }),
      values,
    });
    expect(res.status).toBe(200);

    await eventually(async () => {
      const records = await listDecisionRecords(h.db, TEAM.id, null);
      const error = records.filter((r) => r.kind === 'slack.error').at(-1);
      expect(error?.engagementId).toBeNull();
      expect(error?.details).toMatchObject({
        method: 'chat.postMessage',
        error: 'missing_scope',
        user: 'U0EXEC',
        partnerOrg: org.id,
      });
      expect(error?.summary).toContain('fit verdict');
    });
  });
});
