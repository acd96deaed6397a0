/**
 * The people of the sandbox acting in the fake workspace: what Slack's client and servers do
 * when a person types a slash command or a message, clicks a button, submits or closes a
 * modal, opens App Home or adds someone to a channel. Each becomes the signed request Slack
 * would send the unchanged bot; what the bot answers in the HTTP response (ack bodies,
 * `response_action`s) is applied as Slack applies it. Everything else the bot does arrives
 * later through the Web API and is seen through the fake's change feed.
 */
import { randomBytes } from 'node:crypto';
import { checkView } from '../block-kit-limits.js';
import type { FakeChannel, FakeSlack, FakeSlackChange, FakeTeam, FakeView } from '../fake-slack.js';
import type { Obj } from '../fake-slack-workspace.js';
import { formBody, postSigned, type SlackHttpResponse } from '../signed-request.js';

export interface BotTarget {
  /** The bot's `POST /slack/events` URL. */
  eventsUrl: string;
  signingSecret: string;
}

/** Something Slack's client shows one person outside any conversation (e.g. a removal). */
export interface Notice {
  id: number;
  user: string;
  text: string;
  at: number;
}

/** What a person's action led to, for the page to show (Slack's own error banners). */
export interface ActionOutcome {
  ok: boolean;
  /** Why Slack's client would show a failure (the bot did not answer, a view was refused). */
  error?: string;
  /** A modal's `response_action: errors`, by block id. */
  errors?: Record<string, string>;
}

export type ActionTarget =
  | { kind: 'message'; channelId: string; ts: string; ephemeral?: boolean }
  | { kind: 'view'; viewId: string };

/** One interactive element's value, as Slack puts it in `actions[0]`. */
export type ActionElement = Obj & { type: string; action_id: string; block_id: string };

const token = () => randomBytes(5).toString('hex').toUpperCase();

export class WorkspaceActor {
  /** Each person's open modals, bottom first (Slack's view stack). */
  readonly modals = new Map<string, string[]>();
  readonly notices: Notice[] = [];
  private readonly triggers = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly listeners = new Set<() => void>();
  private bot: BotTarget | undefined;
  private noticeSeq = 0;
  /** Events in flight to the bot, so a caller can wait for them (tests, the demo seed). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly fake: FakeSlack,
    readonly team: FakeTeam,
  ) {
    this.rememberMembers();
    fake.onChange((change) => this.onFakeChange(change));
  }

  private readonly seen = new Map<string, number>();

  /** When a message (by channel and ts) was first seen: fake timestamps are not wall-clock. */
  seenAt(channelId: string, ts: string): number {
    const key = `${channelId}/${ts}`;
    const at = this.seen.get(key) ?? Date.now();
    this.seen.set(key, at);
    return at;
  }

  /**
   * A message shortcut run on a message (`message_action`), as Slack sends it; the bot
   * declares none today, so the page offers none, but the stand-in can send one.
   */
  async shortcut(
    userId: string,
    channelId: string,
    ts: string,
    callbackId: string,
  ): Promise<ActionOutcome> {
    const channel = this.conversation(userId, channelId);
    const message = channel.messages.find((m) => m.ts === ts);
    if (!message) return this.failed('message_not_found');
    const res = await this.interaction({
      type: 'message_action',
      callback_id: callbackId,
      trigger_id: this.newTrigger(userId),
      team: { id: this.team.id, domain: this.team.domain },
      user: this.userObject(userId),
      channel: { id: channel.id, name: channel.name },
      message: structuredClone(message),
      message_ts: ts,
      response_url: this.fake.createResponseUrl({
        teamId: this.team.id,
        channelId,
        messageTs: ts,
        userId,
      }),
      api_app_id: this.team.appId,
      token: 'sandbox-verification-token',
      action_ts: `${Date.now() / 1000}`,
    });
    this.changed();
    return res.status === 200 ? { ok: true } : this.failed('the app did not answer');
  }

  /** Where the bot listens; until then actions answer `bot_not_ready`. */
  connect(bot: BotTarget): void {
    this.bot = bot;
  }

  get ready(): boolean {
    return this.bot !== undefined;
  }

  /** Calls `listener` whenever anything a person could see may have changed. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every event sent to the bot has been answered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private get ws() {
    return this.fake.workspace;
  }

  /** The person's DM with the bot (opened if needed, as Slack's client does). */
  dm(userId: string): FakeChannel {
    return this.ws.openConversation(this.team, [userId]).channel;
  }

  private conversation(userId: string, channelId: string): FakeChannel {
    const channel = this.ws.channel(this.team.id, channelId);
    if (!channel) throw new PersonError('channel_not_found');
    if (!channel.members.includes(userId)) throw new PersonError('not_in_channel');
    return channel;
  }

  private newTrigger(userId: string): string {
    const id = `${Date.now()}.${token()}`;
    this.triggers.set(id, userId);
    return id;
  }

  private async post(body: string, type: 'form' | 'json'): Promise<SlackHttpResponse> {
    if (!this.bot) throw new PersonError('bot_not_ready');
    const contentType = type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    return postSigned(this.bot.eventsUrl, body, contentType, {
      signingSecret: this.bot.signingSecret,
    });
  }

  private interaction(payload: Obj): Promise<SlackHttpResponse> {
    return this.post(formBody({ payload: JSON.stringify(payload) }), 'form');
  }

  private userObject(userId: string): Obj {
    const user = this.ws.user(this.team.id, userId);
    return { id: userId, username: user?.name ?? userId, name: user?.name, team_id: this.team.id };
  }

  /** `/amos <text>` typed by a person in a conversation they are in. */
  async command(userId: string, channelId: string, text: string): Promise<ActionOutcome> {
    const channel = this.conversation(userId, channelId);
    const responseUrl = this.fake.createResponseUrl({ teamId: this.team.id, channelId, userId });
    const res = await this.post(
      formBody({
        token: 'sandbox-verification-token',
        team_id: this.team.id,
        team_domain: this.team.domain,
        channel_id: channel.id,
        channel_name: channel.kind === 'im' ? 'directmessage' : channel.name,
        user_id: userId,
        user_name: this.ws.user(this.team.id, userId)?.name ?? userId,
        command: '/amos',
        text,
        api_app_id: this.team.appId,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: this.newTrigger(userId),
      }),
      'form',
    );
    if (res.status !== 200) return this.failed(`/amos failed with the error "dispatch_failed"`);
    const body = asObj(res.json);
    if (body && (typeof body.text === 'string' || Array.isArray(body.blocks))) {
      const fields = {
        text: typeof body.text === 'string' ? body.text : '',
        blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
      };
      if (body.response_type === 'in_channel') this.ws.appendMessage(channel, this.team, fields);
      else channel.ephemerals.push({ message_ts: this.ws.nextTs(), user: userId, ...fields });
    } else if (res.text && !body) {
      channel.ephemerals.push({ message_ts: this.ws.nextTs(), user: userId, text: res.text });
    }
    this.changed();
    return { ok: true };
  }

  /** A message typed by a person; the bot gets the `message` event Slack sends. */
  async message(
    userId: string,
    channelId: string,
    text: string,
    threadTs?: string,
  ): Promise<ActionOutcome> {
    const channel = this.conversation(userId, channelId);
    if (channel.isArchived) return this.failed('is_archived');
    const ts = this.ws.nextTs();
    channel.messages.push({
      type: 'message',
      ts,
      channel: channel.id,
      team: this.team.id,
      user: userId,
      bot_id: '',
      text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    this.changed();
    await this.event({
      type: 'message',
      channel: channel.id,
      user: userId,
      text,
      ts,
      event_ts: ts,
      channel_type: channelType(channel),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    return { ok: true };
  }

  /** A click (or selection) on an interactive element in a message, a modal or App Home. */
  async action(
    userId: string,
    target: ActionTarget,
    element: ActionElement,
    stateValues: Record<string, Record<string, unknown>> = {},
  ): Promise<ActionOutcome> {
    const action = { ...element, action_ts: `${Date.now() / 1000}` };
    const base = {
      type: 'block_actions',
      team: { id: this.team.id, domain: this.team.domain },
      user: this.userObject(userId),
      api_app_id: this.team.appId,
      token: 'sandbox-verification-token',
      trigger_id: this.newTrigger(userId),
      is_enterprise_install: false,
      enterprise: null,
      actions: [action],
    };
    let payload: Obj;
    if (target.kind === 'message') {
      const channel = this.conversation(userId, target.channelId);
      const responseUrl = this.fake.createResponseUrl({
        teamId: this.team.id,
        channelId: channel.id,
        messageTs: target.ts,
        userId,
      });
      const message = channel.messages.find((m) => m.ts === target.ts);
      if (!target.ephemeral && !message) return this.failed('message_not_found');
      payload = {
        ...base,
        container: {
          type: 'message',
          message_ts: target.ts,
          channel_id: channel.id,
          is_ephemeral: target.ephemeral === true,
        },
        channel: { id: channel.id, name: channel.kind === 'im' ? 'directmessage' : channel.name },
        ...(message ? { message: structuredClone(message) } : {}),
        state: { values: stateValues },
        response_url: responseUrl,
      };
    } else {
      const record = this.view(target.viewId);
      if (!record) return this.failed('view_not_found');
      payload = {
        ...base,
        container: { type: 'view', view_id: target.viewId },
        view: { ...structuredClone(record.view), state: { values: stateValues } },
      };
    }
    const res = await this.interaction(payload);
    this.changed();
    return res.status === 200 ? { ok: true } : this.failed('the app did not answer');
  }

  /** A modal submitted with Slack's `view.state.values`; the bot's `response_action` applied. */
  async submit(
    userId: string,
    viewId: string,
    values: Record<string, Record<string, unknown>>,
  ): Promise<ActionOutcome> {
    const stack = this.modals.get(userId) ?? [];
    const record = this.view(viewId);
    if (!record || !stack.includes(viewId)) return this.failed('view_not_found');
    const res = await this.interaction({
      type: 'view_submission',
      team: { id: this.team.id, domain: this.team.domain },
      user: this.userObject(userId),
      api_app_id: this.team.appId,
      token: 'sandbox-verification-token',
      trigger_id: this.newTrigger(userId),
      view: { ...structuredClone(record.view), state: { values } },
      response_urls: [],
      is_enterprise_install: false,
    });
    if (res.status !== 200) return this.failed('We had some trouble connecting. Try again?');
    const body = asObj(res.json) ?? {};
    const outcome = this.applyResponseAction(userId, viewId, body);
    this.changed();
    return outcome;
  }

  private applyResponseAction(userId: string, viewId: string, body: Obj): ActionOutcome {
    const stack = this.modals.get(userId) ?? [];
    switch (body.response_action) {
      case 'errors': {
        const errors = asObj(body.errors) ?? {};
        return { ok: false, errors: Object.fromEntries(Object.entries(errors).map(stringEntry)) };
      }
      case 'update':
      case 'push': {
        const view = asObj(body.view);
        const problems = view ? checkView(view) : ['no view'];
        if (!view || problems.length > 0) {
          this.fake.violations.push({
            source: `response_action:${body.response_action}`,
            teamId: this.team.id,
            errors: problems,
            payload: view,
            at: Date.now(),
          });
          return this.failed(`The app's ${body.response_action} was refused: ${problems[0]}`);
        }
        if (body.response_action === 'update') {
          const record = this.view(viewId);
          if (record) record.view = { ...record.view, ...view, hash: this.ws.newHash() };
        } else {
          const id = this.ws.newId('V');
          this.ws.views.push({
            teamId: this.team.id,
            via: 'views.push',
            view: { ...view, id, team_id: this.team.id, state: { values: {} }, hash: '' },
          });
          this.modals.set(userId, [...stack, id]);
        }
        return { ok: true };
      }
      case 'clear':
        this.modals.delete(userId);
        return { ok: true };
      default:
        this.modals.set(
          userId,
          stack.filter((id) => id !== viewId),
        );
        return { ok: true };
    }
  }

  /** The person closes a modal (Cancel or ×); `view_closed` is sent when the view asked for it. */
  async close(userId: string, viewId: string): Promise<ActionOutcome> {
    const record = this.view(viewId);
    this.modals.set(
      userId,
      (this.modals.get(userId) ?? []).filter((id) => id !== viewId),
    );
    this.changed();
    if (record?.view.notify_on_close === true) {
      await this.interaction({
        type: 'view_closed',
        team: { id: this.team.id, domain: this.team.domain },
        user: this.userObject(userId),
        api_app_id: this.team.appId,
        token: 'sandbox-verification-token',
        view: record.view,
        is_cleared: false,
      });
    }
    return { ok: true };
  }

  /** The person opens the app's Home tab: Slack sends `app_home_opened`. */
  async openHome(userId: string): Promise<ActionOutcome> {
    const dm = this.dm(userId);
    const home = this.home(userId);
    await this.event({
      type: 'app_home_opened',
      user: userId,
      channel: dm.id,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
      ...(home ? { view: home.view } : {}),
    });
    return { ok: true };
  }

  /** A person adds people to a channel they are in; the bot gets `member_joined_channel`. */
  async invite(byUser: string, channelId: string, userIds: string[]): Promise<ActionOutcome> {
    const channel = this.conversation(byUser, channelId);
    if (channel.kind !== 'channel') return this.failed('method_not_supported_for_channel_type');
    const added = userIds.filter((u) => !channel.members.includes(u));
    if (added.length === 0) return this.failed('already_in_channel');
    channel.members.push(...added);
    this.rememberMembers();
    this.changed();
    for (const user of added) await this.event(joinedEvent(channel, user, byUser));
    return { ok: true };
  }

  /** The modal or App Home view as the fake last returned it. */
  view(viewId: string): FakeView | undefined {
    return this.ws.views.find((v) => v.teamId === this.team.id && v.view.id === viewId);
  }

  home(userId: string): FakeView | undefined {
    return this.ws.views.find(
      (v) => v.teamId === this.team.id && v.via === 'views.publish' && v.userId === userId,
    );
  }

  private failed(error: string): ActionOutcome {
    this.changed();
    return { ok: false, error };
  }

  private async event(event: Obj): Promise<SlackHttpResponse> {
    const body = JSON.stringify({
      token: 'sandbox-verification-token',
      team_id: this.team.id,
      api_app_id: this.team.appId,
      event,
      type: 'event_callback',
      event_id: `Ev${token()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          team_id: this.team.id,
          user_id: this.team.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    });
    const sent = this.post(body, 'json');
    this.inFlight.add(sent);
    try {
      return await sent;
    } finally {
      this.inFlight.delete(sent);
    }
  }

  /** Applies what a Web API call means for people: whose modal opened, who joined or left. */
  private onFakeChange(change: FakeSlackChange): void {
    if (change.kind === 'call' && change.call.response.ok) {
      const { method, args, response } = change.call;
      const trigger = typeof args.trigger_id === 'string' ? args.trigger_id : '';
      const owner = this.triggers.get(trigger);
      const viewId = asObj(response.view)?.id;
      if (owner && typeof viewId === 'string') {
        if (method === 'views.open') this.modals.set(owner, [viewId]);
        if (method === 'views.push')
          this.modals.set(owner, [...(this.modals.get(owner) ?? []), viewId]);
      }
    }
    this.followMembership();
    this.changed();
  }

  /** Slack tells a person they were removed, and tells the app who was added by its calls. */
  private followMembership(): void {
    for (const channel of this.ws.channels.values()) {
      if (channel.teamId !== this.team.id || channel.kind !== 'channel') continue;
      const before = this.members.get(channel.id);
      const now = new Set(channel.members);
      if (!before) continue;
      for (const user of before) {
        if (!now.has(user) && user !== this.team.botUserId) {
          this.notices.push({
            id: ++this.noticeSeq,
            user,
            text: `You were removed from #${channel.name} by @${this.team.botName}.`,
            at: Date.now(),
          });
        }
      }
      for (const user of now) {
        if (!before.has(user) && user !== this.team.botUserId && this.bot) {
          void this.event(joinedEvent(channel, user, this.team.botUserId)).catch(() => {});
        }
      }
    }
    this.rememberMembers();
  }

  private rememberMembers(): void {
    for (const channel of this.ws.channels.values()) {
      if (channel.teamId === this.team.id) this.members.set(channel.id, new Set(channel.members));
    }
  }
}

/** A person's action Slack's client would refuse before sending anything. */
export class PersonError extends Error {}

function joinedEvent(channel: FakeChannel, user: string, inviter: string): Obj {
  return {
    type: 'member_joined_channel',
    user,
    channel: channel.id,
    channel_type: channel.isPrivate ? 'G' : 'C',
    team: channel.teamId,
    inviter,
    event_ts: `${Date.now() / 1000}`,
  };
}

function channelType(channel: FakeChannel): string {
  if (channel.kind === 'im') return 'im';
  if (channel.kind === 'mpim') return 'mpim';
  return channel.isPrivate ? 'group' : 'channel';
}

function asObj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}

function stringEntry([key, value]: [string, unknown]): [string, string] {
  return [key, String(value)];
}
