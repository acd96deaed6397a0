/**
 * What one person sees of the sandbox workspace, as plain JSON for the page: the people, the
 * conversations they are in (messages, their own ephemerals, pins), their App Home and modal
 * stack, and Slack's notices to them. Nothing here is rendered: the page renders Block Kit.
 */
import { COMMAND_HELP } from '../../slack/command-help.js';
import type { FakeChannel, FakeMessage } from '../fake-slack.js';
import type { Obj } from '../fake-slack-workspace.js';
import { SANDBOX_PEOPLE } from '../workspace-people.js';
import type { WorkspaceActor } from './workspace-actor.js';

export interface PersonView {
  id: string;
  name: string;
  realName: string;
  role: string;
  tz: string;
  isBot: boolean;
}

export interface MessageView {
  ts: string;
  /** When the sandbox first saw it (ms since the epoch). */
  at: number;
  user: string;
  fromBot: boolean;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  edited: boolean;
  pinned: boolean;
  ephemeral: boolean;
  files: { id: string; name: string; title: string; url: string }[];
}

export interface ConversationView {
  id: string;
  kind: 'channel' | 'im' | 'mpim';
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  members: string[];
  messages: MessageView[];
}

export interface Snapshot {
  ready: boolean;
  team: { id: string; name: string; botUserId: string; botName: string };
  me: string;
  people: PersonView[];
  /** Every channel in the workspace by id and name (for conversation selects and mentions). */
  channels: { id: string; name: string; isPrivate: boolean }[];
  conversations: ConversationView[];
  home: Obj | null;
  modals: Obj[];
  notices: { id: number; text: string; at: number }[];
  commands: { usage: string; summary: string }[];
}

const ROLE = new Map(SANDBOX_PEOPLE.map((p) => [p.id, p.role]));

export function snapshot(actor: WorkspaceActor, me: string): Snapshot {
  const { team } = actor;
  const ws = actor.fake.workspace;
  const people = SANDBOX_PEOPLE.map((p) => ws.user(team.id, p.id))
    .filter((u) => u !== undefined)
    .map((u) => ({
      id: u.id,
      name: u.name,
      realName: u.realName,
      role: ROLE.get(u.id) ?? '',
      tz: u.tz,
      isBot: false,
    }));
  people.push({
    id: team.botUserId,
    name: team.botName,
    realName: 'AMOS',
    role: 'app',
    tz: 'UTC',
    isBot: true,
  });
  const mine = [...ws.channels.values()].filter(
    (ch) =>
      ch.teamId === team.id && ch.members.includes(me) && (ch.kind !== 'im' || ch.user === me),
  );
  if (!mine.some((ch) => ch.kind === 'im') && actor.ready) mine.push(actor.dm(me));
  return {
    ready: actor.ready,
    team: { id: team.id, name: team.name, botUserId: team.botUserId, botName: team.botName },
    me,
    people,
    channels: [...ws.channels.values()]
      .filter((ch) => ch.teamId === team.id && ch.kind === 'channel')
      .filter((ch) => !ch.isPrivate || ch.members.includes(me))
      .map((ch) => ({ id: ch.id, name: ch.name, isPrivate: ch.isPrivate })),
    conversations: mine.map((ch) => conversation(actor, ch, me)),
    home: actor.home(me)?.view ?? null,
    modals: (actor.modals.get(me) ?? [])
      .map((id) => actor.view(id)?.view)
      .filter((v): v is Obj => v !== undefined),
    notices: actor.notices
      .filter((n) => n.user === me)
      .map(({ id, text, at }) => ({ id, text, at })),
    commands: Object.values(COMMAND_HELP).map((c) => ({ usage: c.usage, summary: c.summary })),
  };
}

function conversation(actor: WorkspaceActor, channel: FakeChannel, me: string): ConversationView {
  const messages = channel.messages.map((m) => ({
    ...message(m, channel, false),
    at: actor.seenAt(channel.id, m.ts),
  }));
  for (const e of channel.ephemerals.filter((x) => x.user === me)) {
    messages.push({
      ts: e.message_ts,
      at: actor.seenAt(channel.id, e.message_ts),
      user: '',
      fromBot: true,
      text: e.text,
      ...(e.blocks ? { blocks: e.blocks } : {}),
      ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
      edited: false,
      pinned: false,
      ephemeral: true,
      files: [],
    });
  }
  messages.sort((a, b) => Number(a.ts) - Number(b.ts));
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    isPrivate: channel.isPrivate,
    isArchived: channel.isArchived,
    members: [...channel.members],
    messages,
  };
}

function message(
  m: FakeMessage,
  channel: FakeChannel,
  ephemeral: boolean,
): Omit<MessageView, 'at'> {
  return {
    ts: m.ts,
    user: m.user,
    fromBot: m.bot_id !== '',
    text: m.text,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.thread_ts && m.thread_ts !== m.ts ? { thread_ts: m.thread_ts } : {}),
    edited: m.edited !== undefined,
    pinned: channel.pins.includes(m.ts),
    ephemeral,
    files: (m.files ?? []).map((f) => {
      const id = String(f.id);
      const name = String(f.name ?? f.title ?? id);
      return { id, name, title: String(f.title ?? name), url: fileUrl(id, name) };
    }),
  };
}

/** Where the sandbox serves an uploaded file's bytes. */
export function fileUrl(id: string, name: string): string {
  return `/files/${encodeURIComponent(id)}/${encodeURIComponent(name)}`;
}
