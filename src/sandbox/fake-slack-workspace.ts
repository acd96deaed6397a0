/**
 * The in-memory workspace behind the fake Slack server: teams, users, channels with their
 * members, messages and pins, views and uploaded files. Plain data, so tests can assert on it.
 */
import { tzOffset } from '@date-fns/tz';

export type Obj = Record<string, unknown>;

export interface TeamSpec {
  id: string;
  name: string;
  botToken: string;
  botUserId: string;
  botId: string;
  botName?: string;
  appId?: string;
  domain?: string;
}

export type FakeTeam = Required<TeamSpec>;

export interface UserSpec {
  id: string;
  name: string;
  realName?: string;
  /** IANA time zone; defaults to America/New_York. */
  tz?: string;
  /** Offset from UTC in seconds; computed from `tz` at the current date when omitted. */
  tz_offset?: number;
  isBot?: boolean;
}

export interface FakeUser {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  tz: string;
  tz_offset: number;
  isBot: boolean;
}

export interface ChannelSpec {
  id?: string;
  name: string;
  isPrivate?: boolean;
  members?: string[];
}

export interface FakeMessage {
  type: 'message';
  ts: string;
  channel: string;
  team: string;
  user: string;
  bot_id: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  metadata?: unknown;
  files?: Obj[];
  edited?: { user: string; ts: string };
}

export interface FakeEphemeral {
  message_ts: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface FakeChannel {
  id: string;
  teamId: string;
  name: string;
  kind: 'channel' | 'im' | 'mpim';
  isPrivate: boolean;
  isArchived: boolean;
  created: number;
  creator: string;
  /** For a DM: the other party. */
  user?: string;
  members: string[];
  messages: FakeMessage[];
  /** Timestamps of pinned messages. */
  pins: string[];
  ephemerals: FakeEphemeral[];
}

export interface FakeView {
  teamId: string;
  /** The App Home owner; undefined for modals (a trigger_id does not say whose it is). */
  userId?: string;
  via: 'views.open' | 'views.push' | 'views.publish';
  /** The view exactly as the fake last returned it to the app. */
  view: Obj;
}

export interface PendingUpload {
  id: string;
  teamId: string;
  filename: string;
  length: number;
  content?: Buffer;
}

export interface UploadedFile {
  id: string;
  teamId: string;
  filename: string;
  title: string;
  channel_id?: string;
  thread_ts?: string;
  initial_comment?: string;
  content: Buffer;
  /** `content` decoded as UTF-8. */
  text: string;
}

export type MessageFields = Partial<
  Pick<FakeMessage, 'text' | 'blocks' | 'attachments' | 'thread_ts' | 'metadata' | 'files'>
>;

const FIRST_TS_MICROS = 1_732_540_800_000_100;
const epochSeconds = () => Math.floor(Date.now() / 1000);

/** The mutable state of every fake workspace, keyed so lookups are scoped to one team. */
export class FakeWorkspace {
  readonly teams = new Map<string, FakeTeam>();
  readonly channels = new Map<string, FakeChannel>();
  readonly views: FakeView[] = [];
  readonly uploads = new Map<string, PendingUpload>();
  readonly uploadedFiles: UploadedFile[] = [];
  private readonly users = new Map<string, FakeUser>();
  private readonly conversations = new Map<string, string>();
  private seq = 0;
  private tsMicros = FIRST_TS_MICROS - 100;

  /** Registers a team and its bot user; throws if the id or token is already taken. */
  addTeam(spec: TeamSpec): FakeTeam {
    if (this.teams.has(spec.id)) throw new Error(`fake Slack: team ${spec.id} already exists`);
    if (this.teamByToken(spec.botToken)) throw new Error('fake Slack: bot token already used');
    const team: FakeTeam = {
      botName: 'bot',
      appId: 'A0FAKEAPP01',
      domain: spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      ...spec,
    };
    this.teams.set(team.id, team);
    this.addUser(team.id, { id: team.botUserId, name: team.botName, isBot: true });
    return team;
  }

  /** Adds (or replaces) a user; tz defaults to America/New_York, tz_offset follows tz. */
  addUser(teamId: string, spec: UserSpec): FakeUser {
    this.requireTeam(teamId);
    const tz = spec.tz ?? 'America/New_York';
    new Intl.DateTimeFormat('en-US', { timeZone: tz }); // throws RangeError on an unknown zone
    const user: FakeUser = {
      id: spec.id,
      teamId,
      name: spec.name,
      realName: spec.realName ?? spec.name,
      tz,
      tz_offset: spec.tz_offset ?? tzOffset(tz, new Date()) * 60,
      isBot: spec.isBot ?? false,
    };
    this.users.set(`${teamId}/${spec.id}`, user);
    return user;
  }

  /** Adds a channel; the bot is a member only when listed in `members`. */
  addChannel(teamId: string, spec: ChannelSpec): FakeChannel {
    const team = this.requireTeam(teamId);
    const id = spec.id ?? this.newId('C');
    if (this.channels.has(id)) throw new Error(`fake Slack: channel ${id} already exists`);
    const channel: FakeChannel = {
      id,
      teamId,
      name: spec.name,
      kind: 'channel',
      isPrivate: spec.isPrivate ?? false,
      isArchived: false,
      created: epochSeconds(),
      creator: team.botUserId,
      members: [...new Set(spec.members ?? [])],
      messages: [],
      pins: [],
      ephemerals: [],
    };
    this.channels.set(id, channel);
    return channel;
  }

  teamByToken(token: string): FakeTeam | undefined {
    for (const team of this.teams.values()) if (team.botToken === token) return team;
    return undefined;
  }

  user(teamId: string, id: string): FakeUser | undefined {
    return this.users.get(`${teamId}/${id}`);
  }

  /** The channel if it exists in that team (channels of other teams are invisible). */
  channel(teamId: string, id: string): FakeChannel | undefined {
    const channel = this.channels.get(id);
    return channel?.teamId === teamId ? channel : undefined;
  }

  channelByName(teamId: string, name: string): FakeChannel | undefined {
    for (const ch of this.channels.values()) {
      if (ch.teamId === teamId && ch.kind === 'channel' && ch.name === name) return ch;
    }
    return undefined;
  }

  /** The DM (one user) or group DM with the bot; the same id every time for the same users. */
  openConversation(team: FakeTeam, userIds: string[]): { channel: FakeChannel; existed: boolean } {
    const key = `${team.id}/${[...new Set(userIds)].sort().join(',')}`;
    const existing = this.conversations.get(key);
    const known = existing ? this.channels.get(existing) : undefined;
    if (known) return { channel: known, existed: true };
    const im = userIds.length === 1;
    const channel = this.addChannel(team.id, {
      id: this.newId(im ? 'D' : 'G'),
      name: im ? '' : `mpdm-${userIds.join('--')}-1`,
      isPrivate: true,
      members: [team.botUserId, ...userIds],
    });
    channel.kind = im ? 'im' : 'mpim';
    if (im) channel.user = userIds[0];
    this.conversations.set(key, channel.id);
    return { channel, existed: false };
  }

  /** Appends a message posted by the team's bot, with a fresh, strictly increasing ts. */
  appendMessage(channel: FakeChannel, team: FakeTeam, fields: MessageFields): FakeMessage {
    const message: FakeMessage = {
      type: 'message',
      ts: this.nextTs(),
      channel: channel.id,
      team: team.id,
      user: team.botUserId,
      bot_id: team.botId,
      text: fields.text ?? '',
      ...withoutUndefined(fields),
    };
    channel.messages.push(message);
    return message;
  }

  /** Replaces the given fields; omitted text, blocks and attachments are kept, as Slack does. */
  updateMessage(message: FakeMessage, team: FakeTeam, fields: MessageFields): FakeMessage {
    Object.assign(message, withoutUndefined(fields), {
      edited: { user: team.botUserId, ts: this.nextTs() },
    });
    return message;
  }

  deleteMessage(channel: FakeChannel, ts: string): boolean {
    const index = channel.messages.findIndex((m) => m.ts === ts);
    if (index < 0) return false;
    channel.messages.splice(index, 1);
    channel.pins = channel.pins.filter((pin) => pin !== ts);
    return true;
  }

  /** A message timestamp like `1732540800.000100`, strictly greater than every earlier one. */
  nextTs(): string {
    this.tsMicros += 100;
    const seconds = Math.floor(this.tsMicros / 1e6);
    return `${seconds}.${String(this.tsMicros % 1e6).padStart(6, '0')}`;
  }

  /** A Slack-looking id such as `C000000001A`, unused by any channel, view or file. */
  newId(prefix: string): string {
    for (;;) {
      this.seq += 1;
      const id = `${prefix}0${this.seq.toString(36).toUpperCase().padStart(8, '0')}`;
      const taken = this.channels.has(id) || this.uploads.has(id);
      if (!taken && !this.views.some((v) => v.view.id === id)) return id;
    }
  }

  newHash(): string {
    this.seq += 1;
    return `${epochSeconds()}.${this.seq.toString(16).padStart(8, '0')}`;
  }

  private requireTeam(teamId: string): FakeTeam {
    const team = this.teams.get(teamId);
    if (!team) throw new Error(`fake Slack: unknown team ${teamId}; call addTeam first`);
    return team;
  }
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/** The conversation object Slack returns from conversations.info, create, invite and join. */
export function channelInfo(channel: FakeChannel, team: FakeTeam): Obj {
  const base = {
    id: channel.id,
    created: channel.created,
    is_archived: channel.isArchived,
    is_org_shared: false,
    context_team_id: team.id,
  };
  if (channel.kind === 'im') return { ...base, is_im: true, user: channel.user, priority: 0 };
  return {
    ...base,
    name: channel.name,
    name_normalized: channel.name,
    is_channel: channel.kind === 'channel',
    is_group: false,
    is_im: false,
    is_mpim: channel.kind === 'mpim',
    is_private: channel.isPrivate,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    creator: channel.creator,
    is_member: channel.members.includes(team.botUserId),
    num_members: channel.members.length,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

/** The user object Slack returns from users.info. */
export function userInfo(user: FakeUser): Obj {
  const label = new Intl.DateTimeFormat('en-US', { timeZone: user.tz, timeZoneName: 'long' })
    .formatToParts(new Date())
    .find((part) => part.type === 'timeZoneName')?.value;
  return {
    id: user.id,
    team_id: user.teamId,
    name: user.name,
    deleted: false,
    real_name: user.realName,
    tz: user.tz,
    tz_label: label ?? user.tz,
    tz_offset: user.tz_offset,
    is_admin: false,
    is_owner: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: epochSeconds(),
    profile: { real_name: user.realName, display_name: user.name, team: user.teamId },
  };
}
