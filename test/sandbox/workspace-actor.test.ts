import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { type PageServer, startPageServer } from '../../src/sandbox/server/page-server.js';
import type { Snapshot } from '../../src/sandbox/server/snapshot.js';
import { WorkspaceActor } from '../../src/sandbox/server/workspace-actor.js';
import { slackSignature } from '../../src/sandbox/signed-request.js';
import {
  GENERAL_CHANNEL,
  PERSON,
  SANDBOX_TEAM,
  seedWorkspace,
} from '../../src/sandbox/workspace-people.js';

// The stand-in's people against a stub bot that checks Slack's signature and answers as a
// Bolt app would: an ack in the HTTP response, everything else later through the Web API.
const SECRET = 'stub-bot-secret';

interface Delivery {
  kind: 'command' | 'interaction' | 'event';
  body: Record<string, unknown>;
}
type Answer = { status?: number; body?: unknown };

let fake: FakeSlack;
let actor: WorkspaceActor;
let page: PageServer;
let bot: Server;
let web: WebClient;
const deliveries: Delivery[] = [];
let answer: (d: Delivery) => Answer = () => ({});

beforeAll(async () => {
  fake = await startFakeSlack();
  seedWorkspace(fake);
  actor = new WorkspaceActor(fake, fake.workspace.teams.get(SANDBOX_TEAM.id)!);
  page = await startPageServer(actor);
  bot = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (req.headers['x-slack-signature'] !== slackSignature(SECRET, ts, raw)) {
      res.writeHead(401).end();
      return;
    }
    const json = req.headers['content-type'] === 'application/json';
    const form = new URLSearchParams(raw);
    const delivery: Delivery = json
      ? { kind: 'event', body: JSON.parse(raw) }
      : form.has('payload')
        ? { kind: 'interaction', body: JSON.parse(form.get('payload')!) }
        : { kind: 'command', body: Object.fromEntries(form) };
    deliveries.push(delivery);
    const a = answer(delivery);
    const text = a.body === undefined ? '' : JSON.stringify(a.body);
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((r) => bot.listen(0, '127.0.0.1', r));
  const { port } = bot.address() as AddressInfo;
  actor.connect({ eventsUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET });
  web = new WebClient(SANDBOX_TEAM.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
  });
});

afterAll(async () => {
  await page?.stop();
  await new Promise((r) => bot?.close(r));
  await fake?.stop();
});

beforeEach(() => {
  deliveries.length = 0;
  answer = () => ({});
});

async function state(user: string): Promise<Snapshot> {
  return (await fetch(`${page.url}/api/state?user=${user}`)).json() as Promise<Snapshot>;
}

const general = (s: Snapshot) => s.conversations.find((c) => c.id === GENERAL_CHANNEL)!;

async function until<T>(read: () => T | undefined | false | Promise<T | undefined | false>) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const { oscar, erin, quinn } = PERSON;

describe('the sandbox stand-in acting as people', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(page.url).hostname).toBe('127.0.0.1');
  });

  it('sends a signed slash command; the ack message is shown only to the person who typed it', async () => {
    answer = () => ({ body: { text: 'Only for *you*' } });
    const outcome = await actor.command(oscar.id, GENERAL_CHANNEL, 'status acme');
    expect(outcome).toEqual({ ok: true });
    const [delivery] = deliveries;
    expect(delivery?.kind).toBe('command');
    expect(delivery?.body).toMatchObject({
      command: '/amos',
      text: 'status acme',
      user_id: oscar.id,
      channel_id: GENERAL_CHANNEL,
      team_id: SANDBOX_TEAM.id,
    });
    expect(String(delivery?.body.trigger_id)).toMatch(/^\d{13}\./);
    const mine = general(await state(oscar.id)).messages.filter((m) => m.ephemeral);
    expect(mine.map((m) => m.text)).toContain('Only for *you*');
    const theirs = general(await state(erin.id)).messages.filter((m) => m.ephemeral);
    expect(theirs.map((m) => m.text)).not.toContain('Only for *you*');
  });

  it('pushes what the bot does after its ack to the page over Server-Sent Events', async () => {
    const live = await fetch(`${page.url}/api/live`);
    const reader = live.body!.getReader();
    const received: string[] = [];
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received.push(new TextDecoder().decode(value));
      }
    })();
    await until(() => received.length > 0); // the feed's greeting
    answer = () => {
      // The effect is a background job: it lands well after the ack.
      setTimeout(() => {
        void web.chat.postMessage({ channel: GENERAL_CHANNEL, text: 'Later, from a job' });
      }, 100);
      return {};
    };
    await actor.command(oscar.id, GENERAL_CHANNEL, 'new');
    const afterAck = general(await state(oscar.id)).messages.map((m) => m.text);
    expect(afterAck).not.toContain('Later, from a job');
    const seen = received.length;
    await until(() => received.slice(seen).some((chunk) => chunk.includes('event: change')));
    const later = await until(async () =>
      general(await state(oscar.id)).messages.find((m) => m.text === 'Later, from a job'),
    );
    expect(later.fromBot).toBe(true);
    await reader.cancel();
  });

  it('opens a modal for the person whose trigger it got and applies response_action as Slack does', async () => {
    const view = (title: string, blockId = 'name') => ({
      type: 'modal' as const,
      callback_id: 'stub',
      title: { type: 'plain_text' as const, text: title },
      submit: { type: 'plain_text' as const, text: 'Save' },
      blocks: [
        {
          type: 'input' as const,
          block_id: blockId,
          label: { type: 'plain_text' as const, text: 'Name' },
          element: { type: 'plain_text_input' as const, action_id: 'value' },
        },
      ],
    });
    answer = (d) => {
      if (d.kind === 'command')
        void web.views.open({ trigger_id: String(d.body.trigger_id), view: view('First') });
      return {};
    };
    await actor.command(oscar.id, GENERAL_CHANNEL, 'new');
    const [first] = await until(async () => {
      const s = await state(oscar.id);
      return s.modals.length === 1 && s.modals;
    });
    expect((await state(erin.id)).modals).toEqual([]);
    const firstId = String(first?.id);
    const values = { name: { value: { type: 'plain_text_input', value: 'Bad!' } } };

    answer = () => ({ body: { response_action: 'errors', errors: { name: 'No punctuation' } } });
    expect(await actor.submit(oscar.id, firstId, values)).toEqual({
      ok: false,
      errors: { name: 'No punctuation' },
    });
    const submitted = deliveries.at(-1)?.body as { type: string; view: { state: unknown } };
    expect(submitted.type).toBe('view_submission');
    expect(submitted.view.state).toEqual({ values });
    expect((await state(oscar.id)).modals).toHaveLength(1);

    answer = () => ({ body: { response_action: 'push', view: view('Second') } });
    await actor.submit(oscar.id, firstId, values);
    const stacked = (await state(oscar.id)).modals;
    expect(stacked.map((v) => (v.title as { text: string }).text)).toEqual(['First', 'Second']);

    answer = () => ({ body: { response_action: 'update', view: view('Second, updated') } });
    await actor.submit(oscar.id, String(stacked[1]?.id), values);
    const updated = (await state(oscar.id)).modals;
    expect(updated[1]?.id).toBe(stacked[1]?.id);
    expect((updated[1]?.title as { text: string } | undefined)?.text).toBe('Second, updated');

    answer = () => ({ body: { response_action: 'update', view: view('x'.repeat(30)) } });
    const refused = await actor.submit(oscar.id, String(stacked[1]?.id), values);
    expect(refused.ok).toBe(false); // a title over 24 characters: Slack refuses it

    answer = () => ({});
    await actor.submit(oscar.id, String(stacked[1]?.id), values);
    expect((await state(oscar.id)).modals.map((v) => v.id)).toEqual([firstId]);
    answer = () => ({ body: { response_action: 'clear' } });
    await actor.submit(oscar.id, firstId, values);
    expect((await state(oscar.id)).modals).toEqual([]);
  });

  it('tells a person the bot removed them, and tells the bot who a person added', async () => {
    const channel = fake.addChannel(SANDBOX_TEAM.id, {
      name: 'gated',
      isPrivate: true,
      members: [SANDBOX_TEAM.botUserId, oscar.id],
    });
    answer = (d) => {
      const event = d.body.event as { type?: string; user?: string } | undefined;
      if (event?.type === 'member_joined_channel' && event.user === quinn.id) {
        void web.conversations.kick({ channel: channel.id, user: quinn.id });
      }
      return {};
    };
    expect(await actor.invite(oscar.id, channel.id, [quinn.id])).toEqual({ ok: true });
    const joined = deliveries.find((d) => d.kind === 'event')?.body.event;
    expect(joined).toMatchObject({
      type: 'member_joined_channel',
      user: quinn.id,
      channel: channel.id,
      channel_type: 'G',
      inviter: oscar.id,
    });
    const s = await until(async () => {
      const q = await state(quinn.id);
      return q.notices.length > 0 && q;
    });
    expect(s.notices.map((n) => n.text)).toEqual(['You were removed from #gated by @amos.']);
    expect(s.conversations.some((c) => c.id === channel.id)).toBe(false);
    expect(await actor.invite(oscar.id, channel.id, [oscar.id])).toMatchObject({ ok: false });
  });

  it('serves the files the bot uploads for download', async () => {
    await web.filesUploadV2({
      channel_id: GENERAL_CHANNEL,
      filename: 'acme-q3.jsonl',
      file: Buffer.from('{"kind":"engagement.created"}\n'),
    });
    const message = await until(async () =>
      general(await state(oscar.id)).messages.find((m) => m.files.length > 0),
    );
    const res = await fetch(`${page.url}${message.files[0]?.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('acme-q3.jsonl');
    expect(await res.text()).toBe('{"kind":"engagement.created"}\n');
  });

  it('answers a person the way Slack does when the bot is down', async () => {
    answer = () => ({ status: 500 });
    const outcome = await actor.command(oscar.id, GENERAL_CHANNEL, 'help');
    expect(outcome).toEqual({ ok: false, error: '/amos failed with the error "dispatch_failed"' });
    await expect(actor.command(oscar.id, 'C0NOPE', 'help')).rejects.toThrow('channel_not_found');
  });
});
