/**
 * The Web API methods the fake Slack answers (views.* live in fake-slack-views.ts), each a function
 * of the calling team and the parsed arguments, returning the fields of a Slack-shaped success or
 * throwing a Slack error code.
 */
import { checkMessage } from './block-kit-limits.js';
import {
  channelInfo,
  type FakeChannel,
  type FakeTeam,
  type FakeWorkspace,
  type MessageFields,
  type Obj,
  type UploadedFile,
  userInfo,
} from './fake-slack-workspace.js';

export type Args = Record<string, unknown>;
export type SlackBody = Obj & { ok: boolean };

export interface MethodContext {
  ws: FakeWorkspace;
  team: FakeTeam;
  args: Args;
  /** Origin of the fake server, e.g. `http://127.0.0.1:50123`. */
  baseUrl: string;
  /** Records a Block Kit violation so tests can assert there were none. */
  recordViolation(errors: string[], payload: unknown): void;
}

export type Handler = (ctx: MethodContext) => Obj;

/** A Slack error answer (`{ ok: false, error }`), thrown by handlers and caught by the server. */
export class SlackRefusal extends Error {
  constructor(
    readonly error: string,
    readonly extra: Obj = {},
  ) {
    super(error);
  }
}

export function refuse(error: string, extra?: Obj): never {
  throw new SlackRefusal(error, extra);
}

export const withMessages = (errors: string[]): Obj => ({
  errors,
  response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
});

export const str = (args: Args, key: string): string | undefined => {
  const value = args[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
export const bool = (args: Args, key: string) =>
  [true, 'true', '1', 1].includes(args[key] as never);
export const list = (args: Args, key: string) =>
  (str(args, key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
export const asArray = (value: unknown) => (Array.isArray(value) ? value : undefined);
export const asObj = (value: unknown): Obj | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
const isMember = (channel: FakeChannel, userId: string) => channel.members.includes(userId);

/** Known users, and ids shaped like Slack user ids, so tests need not add every DM recipient. */
export const isUserId = (ctx: MethodContext, id: string) =>
  ctx.ws.user(ctx.team.id, id) !== undefined || /^[UW][A-Z0-9]+$/.test(id);

function findChannel({ ws, team, args }: MethodContext, key = 'channel'): FakeChannel {
  const id = str(args, key);
  return (id && ws.channel(team.id, id)) || refuse('channel_not_found');
}

/** A channel the bot may read: private ones it is not in do not exist for it, as in Slack. */
function visibleChannel(ctx: MethodContext): FakeChannel {
  const channel = findChannel(ctx);
  if (channel.isPrivate && !isMember(channel, ctx.team.botUserId)) refuse('channel_not_found');
  return channel;
}

/** Where a message goes: a user id means the bot's DM with that user, as in Slack. */
function postTarget(ctx: MethodContext, key = 'channel'): FakeChannel {
  const id = str(ctx.args, key);
  if (id && isUserId(ctx, id)) return ctx.ws.openConversation(ctx.team, [id]).channel;
  const channel = findChannel(ctx, key);
  if (channel.isArchived) refuse('is_archived');
  if (channel.isPrivate && !isMember(channel, ctx.team.botUserId)) refuse('not_in_channel');
  return channel;
}

/** The message fields of the call, refused as Slack refuses empty or over-limit messages. */
function messageFields(ctx: MethodContext): MessageFields {
  const { args } = ctx;
  const text = str(args, 'text');
  const blocks = asArray(args.blocks);
  const attachments = asArray(args.attachments);
  if (args.blocks !== undefined && !blocks) refuse('invalid_blocks_format');
  if (!text && !blocks?.length && !attachments?.length) refuse('no_text');
  const errors = checkMessage({ text, blocks });
  if (errors.length > 0) {
    ctx.recordViolation(errors, { text, blocks });
    if (errors.every((e) => e.endsWith('[json-pointer:/text]'))) refuse('msg_too_long');
    refuse('invalid_blocks', withMessages(errors));
  }
  return { text, blocks, attachments, thread_ts: str(args, 'thread_ts'), metadata: args.metadata };
}

function botMessage(ctx: MethodContext, channel: FakeChannel) {
  const ts = str(ctx.args, 'ts');
  const message = channel.messages.find((m) => m.ts === ts) ?? refuse('message_not_found');
  return message.bot_id === ctx.team.botId ? message : undefined;
}

const chat: Record<string, Handler> = {
  'chat.postMessage': (ctx) => {
    const channel = postTarget(ctx);
    const message = ctx.ws.appendMessage(channel, ctx.team, messageFields(ctx));
    return { channel: channel.id, ts: message.ts, message };
  },
  'chat.postEphemeral': (ctx) => {
    const channel = postTarget(ctx);
    const user = str(ctx.args, 'user') ?? refuse('user_not_found');
    if (!isMember(channel, user)) refuse('user_not_in_channel');
    const { text, blocks, thread_ts } = messageFields(ctx);
    const message_ts = ctx.ws.nextTs();
    channel.ephemerals.push({ message_ts, user, text: text ?? '', blocks, thread_ts });
    return { message_ts };
  },
  'chat.update': (ctx) => {
    const channel = findChannel(ctx);
    const message = botMessage(ctx, channel) ?? refuse('cant_update_message');
    const { text, blocks, attachments, metadata } = messageFields(ctx);
    ctx.ws.updateMessage(message, ctx.team, { text, blocks, attachments, metadata });
    return { channel: channel.id, ts: message.ts, text: message.text, message };
  },
  'chat.delete': (ctx) => {
    const channel = findChannel(ctx);
    const message = botMessage(ctx, channel) ?? refuse('cant_delete_message');
    ctx.ws.deleteMessage(channel, message.ts);
    return { channel: channel.id, ts: message.ts };
  },
  'pins.add': (ctx) => {
    const channel = findChannel(ctx);
    const ts = str(ctx.args, 'timestamp') ?? refuse('no_item_specified');
    if (!isMember(channel, ctx.team.botUserId)) refuse('not_in_channel');
    if (!channel.messages.some((m) => m.ts === ts)) refuse('message_not_found');
    if (channel.pins.includes(ts)) refuse('already_pinned');
    channel.pins.push(ts);
    return {};
  },
};

function channelOnly(channel: FakeChannel): FakeChannel {
  return channel.kind === 'channel' ? channel : refuse('method_not_supported_for_channel_type');
}

const conversations: Record<string, Handler> = {
  'conversations.open': (ctx) => {
    const users = list(ctx.args, 'users');
    if (users.length === 0) {
      if (!str(ctx.args, 'channel')) refuse('users_list_not_supplied');
      return { channel: { id: visibleChannel(ctx).id } };
    }
    if (users.length > 8) refuse('too_many_users');
    for (const user of users) if (!isUserId(ctx, user)) refuse('user_not_found');
    const { channel, existed } = ctx.ws.openConversation(ctx.team, users);
    const info = bool(ctx.args, 'return_im') ? channelInfo(channel, ctx.team) : { id: channel.id };
    return { ...(existed ? { no_op: true, already_open: true } : {}), channel: info };
  },
  'conversations.create': ({ ws, team, args }) => {
    const name = str(args, 'name') ?? refuse('invalid_name_required');
    if (name.length > 80) refuse('invalid_name_maxlength');
    if (!/^[a-z0-9_-]+$/.test(name)) refuse('invalid_name_specials');
    if (ws.channelByName(team.id, name)) refuse('name_taken');
    const isPrivate = bool(args, 'is_private');
    const channel = ws.addChannel(team.id, { name, isPrivate, members: [team.botUserId] });
    return { channel: channelInfo(channel, team) };
  },
  'conversations.info': (ctx) => ({ channel: channelInfo(visibleChannel(ctx), ctx.team) }),
  // Public channels, and private ones only where the bot is a member (as Slack shows a bot).
  'conversations.list': ({ ws, team, args }) => {
    const types = (str(args, 'types') ?? 'public_channel').split(',');
    const excludeArchived = bool(args, 'exclude_archived');
    const all = [...ws.channels.values()].filter(
      (ch) =>
        ch.teamId === team.id &&
        ch.kind === 'channel' &&
        (ch.isPrivate
          ? types.includes('private_channel') && ch.members.includes(team.botUserId)
          : types.includes('public_channel')) &&
        !(excludeArchived && ch.isArchived),
    );
    const requested = Number(str(args, 'limit'));
    const limit = requested > 0 ? Math.min(requested, 1000) : 100;
    const cursor = str(args, 'cursor');
    const offset = cursor ? decodeCursor(cursor) : 0;
    const end = offset + limit;
    return {
      channels: all.slice(offset, end).map((ch) => channelInfo(ch, team)),
      response_metadata: { next_cursor: end < all.length ? encodeCursor(end) : '' },
    };
  },
  'conversations.members': (ctx) => {
    const { members } = visibleChannel(ctx);
    const requested = Number(str(ctx.args, 'limit'));
    const limit = requested > 0 ? Math.min(requested, 1000) : 100;
    const cursor = str(ctx.args, 'cursor');
    const offset = cursor ? decodeCursor(cursor) : 0;
    const end = offset + limit;
    const next_cursor = end < members.length ? encodeCursor(end) : '';
    return { members: members.slice(offset, end), response_metadata: { next_cursor } };
  },
  'conversations.invite': (ctx) => {
    const { ws, team, args } = ctx;
    const channel = channelOnly(findChannel(ctx));
    if (channel.isArchived) refuse('is_archived');
    if (!isMember(channel, team.botUserId)) refuse('not_in_channel');
    const users = list(args, 'users');
    if (users.length === 0) refuse('no_user');
    for (const user of users) {
      if (user === team.botUserId) refuse('cant_invite_self');
      if (!ws.user(team.id, user)) refuse('user_not_found');
      if (isMember(channel, user)) refuse('already_in_channel');
    }
    channel.members.push(...new Set(users));
    return { channel: channelInfo(channel, team) };
  },
  'conversations.kick': (ctx) => {
    const channel = channelOnly(findChannel(ctx));
    const user = str(ctx.args, 'user') ?? refuse('user_not_found');
    if (user === ctx.team.botUserId) refuse('cant_kick_self');
    if (!isMember(channel, ctx.team.botUserId) || !isMember(channel, user))
      refuse('not_in_channel');
    channel.members = channel.members.filter((m) => m !== user);
    return {};
  },
  'conversations.join': (ctx) => {
    const channel = channelOnly(findChannel(ctx));
    if (channel.isPrivate) refuse('method_not_supported_for_channel_type');
    if (channel.isArchived) refuse('is_archived');
    const already = isMember(channel, ctx.team.botUserId);
    if (!already) channel.members.push(ctx.team.botUserId);
    const warning = already ? { warning: 'already_in_channel' } : {};
    return { channel: channelInfo(channel, ctx.team), ...warning };
  },
  'conversations.history': (ctx) => {
    // Newest first, as Slack answers; message metadata only with include_all_metadata.
    const channel = visibleChannel(ctx);
    const oldest = Number(str(ctx.args, 'oldest') ?? '0');
    const requested = Number(str(ctx.args, 'limit'));
    const limit = requested > 0 ? Math.min(requested, 999) : 100;
    const withMetadata = bool(ctx.args, 'include_all_metadata');
    const messages = channel.messages
      .filter((m) => Number(m.ts) > oldest)
      .reverse()
      .slice(0, limit)
      .map(({ metadata, ...message }) =>
        withMetadata && metadata !== undefined ? { ...message, metadata } : message,
      );
    return { messages, has_more: false, response_metadata: { next_cursor: '' } };
  },
  'conversations.archive': (ctx) => {
    const channel = channelOnly(findChannel(ctx));
    if (channel.isArchived) refuse('already_archived');
    if (!isMember(channel, ctx.team.botUserId)) refuse('not_in_channel');
    channel.isArchived = true;
    return {};
  },
};

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function decodeCursor(cursor: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  return match ? Number(match[1]) : refuse('invalid_cursor');
}

const identity: Record<string, Handler> = {
  'auth.test': ({ team }) => ({
    url: `https://${team.domain}.slack.com/`,
    team: team.name,
    user: team.botName,
    team_id: team.id,
    user_id: team.botUserId,
    bot_id: team.botId,
    is_enterprise_install: false,
  }),
  'users.info': ({ ws, team, args }) => {
    const id = str(args, 'user');
    return { user: userInfo((id && ws.user(team.id, id)) || refuse('user_not_found')) };
  },
};

const MIME: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  txt: 'text/plain',
  md: 'text/markdown',
};

function fileObject(ctx: MethodContext, file: UploadedFile): Obj {
  const filetype = file.filename.includes('.') ? (file.filename.split('.').pop() ?? '') : '';
  const url = `${ctx.baseUrl}/files/${file.id}/${encodeURIComponent(file.filename)}`;
  return {
    id: file.id,
    created: Math.floor(Date.now() / 1000),
    name: file.filename,
    title: file.title,
    mimetype: MIME[filetype] ?? 'application/octet-stream',
    filetype,
    user: ctx.team.botUserId,
    size: file.content.length,
    url_private: url,
    permalink: url,
    channels: file.channel_id ? [file.channel_id] : [],
  };
}

const files: Record<string, Handler> = {
  'files.getUploadURLExternal': ({ ws, team, args, baseUrl }) => {
    const filename = str(args, 'filename');
    const length = Number(str(args, 'length'));
    if (!filename || !Number.isInteger(length) || length <= 0) {
      refuse('invalid_arguments', withMessages(['filename and a positive length are required']));
    }
    const id = ws.newId('F');
    ws.uploads.set(id, { id, teamId: team.id, filename, length });
    return { upload_url: `${baseUrl}/upload/v1/${id}`, file_id: id };
  },
  'files.completeUploadExternal': (ctx) => {
    const { ws, team, args } = ctx;
    const entries = asArray(args.files) ?? refuse('invalid_arguments', withMessages(['no files']));
    const channel = str(args, 'channel_id') ? postTarget(ctx, 'channel_id') : undefined;
    const uploads = entries.map((entry) => {
      const id = str(asObj(entry) ?? {}, 'id');
      const upload = id ? ws.uploads.get(id) : undefined;
      if (!upload?.content || upload.teamId !== team.id) refuse('file_not_found');
      return { upload, content: upload.content, title: str(asObj(entry) ?? {}, 'title') };
    });
    const thread_ts = str(args, 'thread_ts');
    const initial_comment = str(args, 'initial_comment');
    const completed = uploads.map(({ upload, content, title }) => {
      ws.uploads.delete(upload.id);
      const file: UploadedFile = {
        id: upload.id,
        teamId: team.id,
        filename: upload.filename,
        title: title ?? upload.filename,
        channel_id: channel?.id,
        thread_ts,
        initial_comment,
        content,
        text: content.toString('utf8'),
      };
      ws.uploadedFiles.push(file);
      return fileObject(ctx, file);
    });
    if (channel)
      ws.appendMessage(channel, team, { text: initial_comment, files: completed, thread_ts });
    return { files: completed };
  },
};

/** Chat, pins, conversations, identity and file-upload methods, by Web API method name. */
export const webApiMethods: Readonly<Record<string, Handler>> = {
  ...chat,
  ...conversations,
  ...identity,
  ...files,
};
