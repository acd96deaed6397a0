import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { WEB_API_RETRY, webClientOptions } from '../../src/slack/app.js';

let fake: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  fake = await startFakeSlack();
  fake.addTeam({ id: 'T1', name: 'One', botToken: 'xoxb-1', botUserId: 'U0BOT', botId: 'B0BOT' });
  fake.addChannel('T1', { id: 'C1', name: 'general', members: ['U0BOT'] });
  const options = webClientOptions(
    { slack: { kind: 'http', signingSecret: 's', botToken: 'xoxb-1', apiUrl: fake.apiUrl } },
    createLogger('silent'),
  );
  client = new WebClient('xoxb-1', {
    ...options,
    retryConfig: { ...WEB_API_RETRY, minTimeout: 10, maxTimeout: 20 },
  });
});
afterAll(async () => {
  await fake.stop();
});

describe('the Web API client policy', () => {
  it('gives up on a failing Slack after a bounded number of retries instead of ~30 minutes', async () => {
    fake.reset();
    fake.failNext('chat.postMessage', { status: 500, times: 50 });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hello' })).rejects.toThrow();
    expect(fake.callsTo('chat.postMessage')).toHaveLength(WEB_API_RETRY.retries + 1);
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    fake.reset();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const result = await client.chat.postMessage({ channel: 'C1', text: 'hello' });
    expect(result.ok).toBe(true);
    const calls = fake.callsTo('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });
});
