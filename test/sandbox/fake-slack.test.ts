import {
  type ConversationsMembersResponse,
  ErrorCode,
  type Logger,
  LogLevel,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';

const TEAM = {
  id: 'T0TEST',
  name: 'Test Team',
  botToken: 'xoxb-test',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
};

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let fake: FakeSlack;
let slack: WebClient;

const client = (token?: string, options: WebClientOptions = {}) =>
  new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silent,
    ...options,
  });

/** The Slack error code a call was refused with. */
async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string } };
    if (e.code === ErrorCode.PlatformError && e.data?.error) return e.data.error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const modal = (title: string, extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  blocks: [section('hello')],
  ...extra,
});

beforeEach(async () => {
  fake = await startFakeSlack();
  fake.addTeam(TEAM);
  fake.addUser(TEAM.id, { id: 'U0ALICE', name: 'alice', tz: 'Asia/Kolkata' });
  fake.addUser(TEAM.id, { id: 'U0BOB', name: 'bob' });
  fake.addUser(TEAM.id, { id: 'U0CAROL', name: 'carol' });
  slack = client(TEAM.botToken);
});

afterEach(async () => {
  await fake.stop();
});

describe('requests and recording', () => {
  it('answers auth.test for the bot and records the call with its team', async () => {
    const res = await slack.auth.test();
    expect(res).toMatchObject({
      ok: true,
      team: 'Test Team',
      team_id: 'T0TEST',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      url: 'https://test-team.slack.com/',
    });
    const [call] = fake.callsTo('auth.test');
    expect(call).toMatchObject({ method: 'auth.test', token: 'xoxb-test', teamId: 'T0TEST' });
    expect(call?.response).toMatchObject({ ok: true, user_id: 'U0BOT' });
  });

  it('refuses unknown and missing tokens and unknown methods like Slack', async () => {
    expect(await slackError(client('xoxb-nope').auth.test())).toBe('invalid_auth');
    expect(await slackError(client().auth.test())).toBe('not_authed');
    expect(await slackError(slack.apiCall('nope.nothing'))).toBe('unknown_method');
    expect(fake.calls.map((c) => [c.method, c.teamId])).toEqual([
      ['auth.test', undefined],
      ['auth.test', undefined],
      ['nope.nothing', 'T0TEST'],
    ]);
  });

  it('parses form bodies with JSON-encoded blocks, JSON bodies and a token form field', async () => {
    const general = fake.addChannel(TEAM.id, { id: 'C0GENERAL', name: 'general' });
    await slack.chat.postMessage({ channel: general.id, text: 'hi', blocks: [section('*hi*')] });
    await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEAM.botToken}` },
      body: JSON.stringify({ channel: general.id, text: 'json', blocks: [section('json')] }),
    });
    const form = new URLSearchParams({ token: TEAM.botToken, channel: general.id, text: 'form' });
    await fetch(`${fake.apiUrl}chat.postMessage`, { method: 'POST', body: form });
    const calls = fake.callsTo('chat.postMessage');
    expect(calls.map((c) => c.response.ok)).toEqual([true, true, true]);
    expect(calls[0]?.args.blocks).toEqual([section('*hi*')]);
    expect(calls[1]?.args.blocks).toEqual([section('json')]);
    expect(calls[2]).toMatchObject({ token: TEAM.botToken, teamId: TEAM.id });
    expect(calls[2]?.args).not.toHaveProperty('token');
  });

  it('waitFor resolves with a later call and rejects listing what was called', async () => {
    fake.addChannel(TEAM.id, { id: 'C0GENERAL', name: 'general' });
    const waiting = fake.waitFor((c) => c.method === 'chat.postMessage');
    void slack.chat.postMessage({ channel: 'C0GENERAL', text: 'later' });
    expect((await waiting).args.text).toBe('later');
    await slack.auth.test();
    await expect(fake.waitFor('views.open', { timeoutMs: 30 })).rejects.toThrow(
      /calls: chat\.postMessage, auth\.test/,
    );
  });

  it('reset forgets calls, failures and violations but keeps the workspace', async () => {
    fake.addChannel(TEAM.id, { id: 'C0GENERAL', name: 'general' });
    await slack.chat.postMessage({ channel: 'C0GENERAL', text: 'kept' });
    fake.failNext('auth.test', { error: 'fatal_error' });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect((await slack.auth.test()).ok).toBe(true);
    expect(fake.messages('C0GENERAL').map((m) => m.text)).toEqual(['kept']);
  });
});

describe('chat', () => {
  it('posts with increasing ts, to public channels without membership, not to private ones', async () => {
    fake.addChannel(TEAM.id, { id: 'C0PUBLIC', name: 'public' });
    fake.addChannel(TEAM.id, { id: 'C0SECRET', name: 'secret', isPrivate: true });
    const first = await slack.chat.postMessage({ channel: 'C0PUBLIC', text: 'one' });
    const second = await slack.chat.postMessage({ channel: 'C0PUBLIC', text: 'two' });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({ text: 'one', user: 'U0BOT', bot_id: 'B0BOT' });
    expect(await slackError(slack.chat.postMessage({ channel: 'C0SECRET', text: 'x' }))).toBe(
      'not_in_channel',
    );
    expect(await slackError(slack.chat.postMessage({ channel: 'C0NONE', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(fake.messages('C0PUBLIC').map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('sends ephemerals only to members', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'room', members: ['U0BOT', 'U0ALICE'] });
    const res = await slack.chat.postEphemeral({ channel: ch.id, user: 'U0ALICE', text: 'psst' });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.channel(TEAM.id, ch.id)?.ephemerals).toMatchObject([{ user: 'U0ALICE' }]);
    const toBob = slack.chat.postEphemeral({ channel: ch.id, user: 'U0BOB', text: 'psst' });
    expect(await slackError(toBob)).toBe('user_not_in_channel');
  });

  it('updates in place keeping omitted blocks, and deletes', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'room', members: ['U0BOT'] });
    const { ts } = await slack.chat.postMessage({
      channel: ch.id,
      text: 'v1',
      blocks: [section('v1')],
    });
    const updated = await slack.chat.update({ channel: ch.id, ts: ts!, text: 'v2' });
    expect(updated).toMatchObject({ ok: true, ts, text: 'v2' });
    expect(fake.messages(ch.id)).toMatchObject([{ ts, text: 'v2', blocks: [section('v1')] }]);
    expect(fake.messages(ch.id)[0]?.edited?.user).toBe('U0BOT');
    const missing = slack.chat.update({ channel: ch.id, ts: '1.000001', text: 'x' });
    expect(await slackError(missing)).toBe('message_not_found');
    await slack.chat.delete({ channel: ch.id, ts: ts! });
    expect(fake.messages(ch.id)).toEqual([]);
    expect(await slackError(slack.chat.delete({ channel: ch.id, ts: ts! }))).toBe(
      'message_not_found',
    );
  });

  it('keeps recorded responses as they were when answered', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'room', members: ['U0BOT'] });
    const { ts } = await slack.chat.postMessage({ channel: ch.id, text: 'before' });
    await slack.chat.update({ channel: ch.id, ts: ts!, text: 'after' });
    expect(fake.callsTo('chat.postMessage')[0]?.response.message).toMatchObject({ text: 'before' });
  });

  it('pins messages once', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'room', members: ['U0BOT'] });
    const { ts } = await slack.chat.postMessage({ channel: ch.id, text: 'charter' });
    await slack.pins.add({ channel: ch.id, timestamp: ts! });
    expect(fake.channel(TEAM.id, ch.id)?.pins).toEqual([ts]);
    expect(await slackError(slack.pins.add({ channel: ch.id, timestamp: ts! }))).toBe(
      'already_pinned',
    );
    expect(await slackError(slack.pins.add({ channel: ch.id, timestamp: '1.000001' }))).toBe(
      'message_not_found',
    );
  });

  it('refuses over-limit blocks with invalid_blocks and records the violation', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'room', members: ['U0BOT'] });
    const blocks = [section('x'.repeat(3001))];
    const call = slack.chat.postMessage({ channel: ch.id, text: 'long', blocks });
    expect(await slackError(call)).toBe('invalid_blocks');
    expect(fake.callsTo('chat.postMessage')[0]?.response.errors).toEqual([
      'must be at most 3000 characters (got 3001) [json-pointer:/blocks/0/text/text]',
    ]);
    expect(fake.violations).toMatchObject([{ source: 'chat.postMessage', teamId: TEAM.id }]);
    expect(fake.messages(ch.id)).toEqual([]);
    const tooLong = slack.chat.postMessage({ channel: ch.id, text: 'y'.repeat(40_001) });
    expect(await slackError(tooLong)).toBe('msg_too_long');
  });
});

describe('conversations', () => {
  it('opens one stable DM per user and posts to a user id into that DM', async () => {
    const first = await slack.conversations.open({ users: 'U0ALICE' });
    const again = await slack.conversations.open({ users: 'U0ALICE' });
    const bob = await slack.conversations.open({ users: 'U0BOB' });
    expect(first.channel?.id).toMatch(/^D0/);
    expect(again).toMatchObject({ already_open: true, channel: { id: first.channel?.id } });
    expect(bob.channel?.id).not.toBe(first.channel?.id);
    const posted = await slack.chat.postMessage({ channel: 'U0ALICE', text: 'hello alice' });
    expect(posted.channel).toBe(first.channel?.id);
    expect(fake.directMessages(TEAM.id, 'U0ALICE').map((m) => m.text)).toEqual(['hello alice']);
    expect(await slackError(slack.conversations.open({ users: 'not-a-user' }))).toBe(
      'user_not_found',
    );
  });

  it('creates channels with the bot as member and refuses a taken name', async () => {
    const res = await slack.conversations.create({ name: 'acme-q3', is_private: true });
    const id = res.channel?.id ?? '';
    expect(res.channel).toMatchObject({ name: 'acme-q3', is_private: true, is_member: true });
    expect(fake.channel(TEAM.id, id)?.members).toEqual(['U0BOT']);
    expect(await slackError(slack.conversations.create({ name: 'acme-q3' }))).toBe('name_taken');
    expect(await slackError(slack.conversations.create({ name: 'Bad Name' }))).toBe(
      'invalid_name_specials',
    );
    const info = await slack.conversations.info({ channel: id });
    expect(info.channel).toMatchObject({ id, name: 'acme-q3', is_archived: false });
  });

  it('pages members with a cursor', async () => {
    const members = ['U0BOT', 'U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'];
    const ch = fake.addChannel(TEAM.id, { name: 'room', members });
    const pages: string[][] = [];
    for await (const page of slack.paginate('conversations.members', {
      channel: ch.id,
      limit: 2,
    })) {
      pages.push((page as ConversationsMembersResponse).members ?? []);
    }
    expect(pages).toEqual([members.slice(0, 2), members.slice(2, 4), members.slice(4)]);
    const bad = slack.conversations.members({ channel: ch.id, cursor: 'bogus' });
    expect(await slackError(bad)).toBe('invalid_cursor');
  });

  it('invites and kicks with Slack errors', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'p', isPrivate: true, members: ['U0BOT'] });
    await slack.conversations.invite({ channel: ch.id, users: 'U0ALICE,U0BOB' });
    expect(fake.channel(TEAM.id, ch.id)?.members).toEqual(['U0BOT', 'U0ALICE', 'U0BOB']);
    const again = slack.conversations.invite({ channel: ch.id, users: 'U0ALICE' });
    expect(await slackError(again)).toBe('already_in_channel');
    const ghost = slack.conversations.invite({ channel: ch.id, users: 'U0GHOST' });
    expect(await slackError(ghost)).toBe('user_not_found');
    const outside = fake.addChannel(TEAM.id, { name: 'o', isPrivate: true, members: [] });
    const notIn = slack.conversations.invite({ channel: outside.id, users: 'U0ALICE' });
    expect(await slackError(notIn)).toBe('not_in_channel');

    await slack.conversations.kick({ channel: ch.id, user: 'U0ALICE' });
    expect(fake.channel(TEAM.id, ch.id)?.members).toEqual(['U0BOT', 'U0BOB']);
    const self = slack.conversations.kick({ channel: ch.id, user: 'U0BOT' });
    expect(await slackError(self)).toBe('cant_kick_self');
    const absent = slack.conversations.kick({ channel: ch.id, user: 'U0CAROL' });
    expect(await slackError(absent)).toBe('not_in_channel');
  });

  it('joins public channels and archives once', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'pub' });
    expect(await slackError(slack.conversations.archive({ channel: ch.id }))).toBe(
      'not_in_channel',
    );
    await slack.conversations.join({ channel: ch.id });
    expect(fake.channel(TEAM.id, ch.id)?.members).toEqual(['U0BOT']);
    await slack.conversations.archive({ channel: ch.id });
    expect(fake.channel(TEAM.id, ch.id)?.isArchived).toBe(true);
    expect(await slackError(slack.conversations.archive({ channel: ch.id }))).toBe(
      'already_archived',
    );
    expect(await slackError(slack.chat.postMessage({ channel: ch.id, text: 'x' }))).toBe(
      'is_archived',
    );
  });

  it('hides channels of other teams', async () => {
    fake.addTeam({ ...TEAM, id: 'T0OTHER', botToken: 'xoxb-other' });
    const theirs = fake.addChannel('T0OTHER', { name: 'theirs' });
    const call = slack.chat.postMessage({ channel: theirs.id, text: 'x' });
    expect(await slackError(call)).toBe('channel_not_found');
  });
});

describe('users', () => {
  it('returns time zones and offsets', async () => {
    const alice = await slack.users.info({ user: 'U0ALICE' });
    expect(alice.user).toMatchObject({ tz: 'Asia/Kolkata', tz_offset: 19_800, is_bot: false });
    const bot = await slack.users.info({ user: 'U0BOT' });
    expect(bot.user).toMatchObject({ is_bot: true, tz: 'America/New_York' });
    expect([-18_000, -14_400]).toContain(bot.user?.tz_offset);
    expect(await slackError(slack.users.info({ user: 'U0GHOST' }))).toBe('user_not_found');
  });
});

describe('views', () => {
  it('opens, pushes and updates modals by id, external id and hash', async () => {
    const opened = await slack.views.open({
      trigger_id: 'trigger-1',
      view: modal('Raise a risk', { callback_id: 'risk', external_id: 'risk-1' }),
    });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V0/),
      callback_id: 'risk',
      state: { values: {} },
      hash: expect.any(String),
    });
    const id = opened.view?.id ?? '';
    const pushed = await slack.views.push({ trigger_id: 'trigger-2', view: modal('Details') });
    expect(pushed.view?.id).not.toBe(id);

    const byId = await slack.views.update({
      view_id: id,
      view: modal('Risk (2)', { external_id: 'risk-1' }),
    });
    expect(byId.view).toMatchObject({ id, title: { text: 'Risk (2)' } });
    const byExternal = await slack.views.update({
      external_id: 'risk-1',
      view: modal('Risk (3)', { external_id: 'risk-1' }),
    });
    expect(byExternal.view?.id).toBe(id);
    const stale = slack.views.update({ view_id: id, hash: opened.view?.hash, view: modal('x') });
    expect(await slackError(stale)).toBe('hash_conflict');
    expect(await slackError(slack.views.update({ view_id: 'V0NONE', view: modal('x') }))).toBe(
      'not_found',
    );
    expect(fake.views.map((v) => v.via)).toEqual(['views.open', 'views.push']);
    expect(fake.views[0]?.view.title).toEqual({ type: 'plain_text', text: 'Risk (3)' });
  });

  it('needs a trigger_id and refuses over-limit views', async () => {
    const noTrigger = slack.views.open({ trigger_id: '', view: modal('Hi') });
    expect(await slackError(noTrigger)).toBe('invalid_arguments');
    const longTitle = slack.views.open({
      trigger_id: 't',
      view: modal('A title that is far too long'),
    });
    expect(await slackError(longTitle)).toBe('invalid_arguments');
    expect(fake.violations).toMatchObject([
      { source: 'views.open', errors: [expect.stringContaining('/title/text')] },
    ]);
  });

  it('publishes one App Home per user, updated in place', async () => {
    const home = { type: 'home' as const, blocks: [section('waiting on you: 0')] };
    const first = await slack.views.publish({ user_id: 'U0ALICE', view: home });
    const second = await slack.views.publish({ user_id: 'U0ALICE', view: home });
    await slack.views.publish({ user_id: 'U0BOB', view: home });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.views.map((v) => v.userId)).toEqual(['U0ALICE', 'U0BOB']);
  });
});

describe('files', () => {
  it('uploads through the external upload URL and shares into the channel', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'log', members: ['U0BOT'] });
    const res = await slack.files.uploadV2({
      channel_id: ch.id,
      content: 'seq,kind\n1,created\n',
      filename: 'acme-q3.csv',
      title: 'Decision record',
      initial_comment: 'Export attached',
    });
    expect(res.ok).toBe(true);
    expect(fake.uploadedFiles).toMatchObject([
      { filename: 'acme-q3.csv', title: 'Decision record', channel_id: ch.id },
    ]);
    expect(fake.uploadedFiles[0]?.text).toBe('seq,kind\n1,created\n');
    expect(fake.messages(ch.id)).toMatchObject([
      { text: 'Export attached', files: [{ name: 'acme-q3.csv', mimetype: 'text/csv' }] },
    ]);
  });

  it('refuses to complete a file that was never uploaded', async () => {
    const url = await slack.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    const call = slack.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }] });
    expect(await slackError(call)).toBe('file_not_found');
  });
});

describe('failure injection', () => {
  it('fails the next calls with a Slack error, the given number of times', async () => {
    fake.failNext('auth.test', { error: 'account_inactive', times: 2 });
    expect(await slackError(slack.auth.test())).toBe('account_inactive');
    expect(await slackError(slack.auth.test())).toBe('account_inactive');
    expect((await slack.auth.test()).ok).toBe(true);
  });

  it('answers HTTP 500 and 429 with Retry-After', async () => {
    fake.failNext('auth.test', { status: 500 });
    await expect(slack.auth.test()).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 500,
    });
    fake.failNext('auth.test', { status: 429, retryAfter: 7 });
    const strict = client(TEAM.botToken, { rejectRateLimitedCalls: true });
    await expect(strict.auth.test()).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    expect(fake.callsTo('auth.test').at(-1)).toMatchObject({
      status: 429,
      response: { ok: false, error: 'ratelimited' },
    });
  });

  it('lets a retrying client wait out Retry-After and succeed', async () => {
    fake.failNext('auth.test', { status: 429, retryAfter: 1 });
    const retrying = client(TEAM.botToken, { retryConfig: { retries: 1, minTimeout: 0 } });
    const started = Date.now();
    expect((await retrying.auth.test()).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.callsTo('auth.test').map((c) => c.status)).toEqual([429, 200]);
  });
});

describe('response_url', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('records posts and applies replace_original, in_channel and ephemeral replies', async () => {
    const ch = fake.addChannel(TEAM.id, { name: 'room', members: ['U0BOT', 'U0ALICE'] });
    const { ts } = await slack.chat.postMessage({ channel: ch.id, text: 'Approve EX-1?' });
    const url = fake.createResponseUrl({
      teamId: TEAM.id,
      channelId: ch.id,
      messageTs: ts,
      userId: 'U0ALICE',
    });
    expect((await post(url, { replace_original: true, text: 'Approved by alice' })).status).toBe(
      200,
    );
    await post(url, { response_type: 'in_channel', text: 'EX-1 approved' });
    await post(url, { text: 'only you can see this' });
    expect(fake.messages(ch.id).map((m) => m.text)).toEqual(['Approved by alice', 'EX-1 approved']);
    expect(fake.channel(TEAM.id, ch.id)?.ephemerals).toMatchObject([
      { user: 'U0ALICE', text: 'only you can see this' },
    ]);
    expect(fake.responses(url)).toHaveLength(3);
    expect(fake.allResponses().map((r) => r.body.text)).toContain('EX-1 approved');
  });

  it('refuses over-limit blocks with 400 and records the violation', async () => {
    const url = fake.createResponseUrl();
    const blocks = Array.from({ length: 51 }, () => section('x'));
    const res = await post(url, { text: 'too many', blocks });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(fake.violations).toMatchObject([{ source: 'response_url' }]);
    expect(fake.responses(url)).toMatchObject([{ status: 400 }]);
  });
});
