import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { partnerEngagement, recordsOf, responsesTo } from '../support/partner-channel.js';

// The partner channel set-up of an activation is a job committed with it: when Slack answers
// chat.postMessage after the client gave up, the retry finds the message by its metadata key
// instead of posting it again, and pins it once.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_SLACK_TIMEOUT: '400ms' } });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

describe('activation set-up delivered once', () => {
  it('posts requirements, charter and the ask once each when chat.postMessage answers after the timeout', async () => {
    const { engagement, channelId, members } = await partnerEngagement(h);
    h.fake.delayNext('chat.postMessage', 1_200, 3);
    const res = await h.driver.command('U0EXEC', `activate ${engagement.slug}`);
    expect(res.status).toBe(200);
    await responsesTo(h, res.responseUrl);
    await h.app.idle();

    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channelId);
    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(h.fake.messages(channelId)).toHaveLength(3);
    const channel = h.fake.channel(TEAM.id, channelId);
    expect(channel?.pins).toHaveLength(2);
    expect(channel?.members).toEqual(expect.arrayContaining(members));
    const records = await recordsOf(h, engagement.id);
    expect(records.map((r) => r.kind)).toEqual(['engagement.activated']);
    expect(h.fake.directMessages(TEAM.id, 'U0OPER')).toHaveLength(0);
  });
});
