/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests (and later the local sandbox): it
 * parses requests exactly as `@slack/web-api` sends them, answers like Slack from an in-memory
 * workspace, records every call, refuses over-limit Block Kit, and can be told to fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkMessage } from './block-kit-limits.js';
import {
  bearer,
  parseArgs,
  parseResponsePayload,
  readBody,
  send,
  uploadedBytes,
} from './fake-slack-http.js';
import {
  type Args,
  type Handler,
  type MethodContext,
  type SlackBody,
  SlackRefusal,
  webApiMethods,
} from './fake-slack-methods.js';
import { viewMethods } from './fake-slack-views.js';
import {
  type ChannelSpec,
  type FakeChannel,
  type FakeMessage,
  type FakeTeam,
  type FakeUser,
  type FakeView,
  FakeWorkspace,
  type MessageFields,
  type Obj,
  type TeamSpec,
  type UploadedFile,
  type UserSpec,
} from './fake-slack-workspace.js';

export type {
  ChannelSpec,
  FakeChannel,
  FakeMessage,
  FakeTeam,
  FakeUser,
  FakeView,
  SlackBody,
  TeamSpec,
  UploadedFile,
  UserSpec,
};

export interface RecordedCall {
  method: string;
  token: string | undefined;
  /** The team the token belongs to; undefined for a missing or unknown token. */
  teamId: string | undefined;
  /** Parsed arguments (without the token); blocks, view, attachments, files are objects. */
  args: Args;
  at: number;
  /** HTTP status of the answer (200 unless a failure was injected). */
  status: number;
  response: SlackBody;
}

export interface Failure {
  /** Slack error code; defaults to `ratelimited` for 429 and `internal_error` otherwise. */
  error?: string;
  /** HTTP status; omitted means 200 with `{ ok: false, error }`. */
  status?: number;
  /** Seconds sent in `Retry-After` with a 429; defaults to 1. */
  retryAfter?: number;
  /** How many consecutive calls fail; defaults to 1. */
  times?: number;
  /** Only calls whose `channel` argument is this (a channel or user id) fail (failNext only). */
  channel?: string;
}

export interface Violation {
  /** The Web API method, or `response_url`. */
  source: string;
  teamId: string | undefined;
  errors: string[];
  payload: unknown;
  at: number;
}

/** What a response_url stands for, so posts to it can change the workspace like Slack does. */
export interface ResponseUrlContext {
  teamId?: string;
  channelId?: string;
  /** The message the interaction came from (for replace_original / delete_original). */
  messageTs?: string;
  /** Who sees ephemeral responses. */
  userId?: string;
}

export interface RecordedResponse {
  url: string;
  body: Obj;
  at: number;
  status: number;
  /** Block Kit violations; non-empty means the post was refused. */
  errors: string[];
}

/** What changed the workspace: a Web API call (answered or refused) or a response_url post. */
export type FakeSlackChange =
  | { kind: 'call'; call: RecordedCall }
  | { kind: 'response'; url: string; context: ResponseUrlContext; body: Obj };

interface Answer {
  status: number;
  body: SlackBody;
  headers?: Record<string, string>;
}

const HANDLERS: Readonly<Record<string, Handler>> = { ...webApiMethods, ...viewMethods };

/** Starts a fake Slack on 127.0.0.1 (random port unless given); stop it with `stop()`. */
export async function startFakeSlack(options: { port?: number } = {}): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return new FakeSlack(server, `http://127.0.0.1:${port}`);
}

export class FakeSlack {
  /** Web API base URL ending in `/api/`, to pass as the WebClient's `slackApiUrl`. */
  readonly apiUrl: string;
  /** Every Web API call in arrival order, recorded before its answer is sent. */
  readonly calls: RecordedCall[] = [];
  /** Every message, view or response refused for breaking Block Kit limits. */
  readonly violations: Violation[] = [];
  private readonly ws = new FakeWorkspace();
  private readonly failures = new Map<string, { failure: Failure; remaining: number }[]>();
  private readonly periodic: { method: string; every: number; failure: Failure; seen: number }[] =
    [];
  private readonly delays: { method: string; ms: number; remaining: number }[] = [];
  private readonly responseUrls = new Map<
    string,
    { context: ResponseUrlContext; log: RecordedResponse[] }
  >();

  /** Use `startFakeSlack()`; this attaches to a server that is already listening. */
  constructor(
    private readonly server: Server,
    /** Origin of the server, e.g. `http://127.0.0.1:50123`. */
    readonly baseUrl: string,
  ) {
    this.apiUrl = `${baseUrl}/api/`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          send(res, 500, { ok: false, error: 'fake_slack_error', detail: `${error}` });
      });
    });
  }

  /** Modals opened or pushed and App Home views published, each as last returned to the app. */
  get views(): readonly FakeView[] {
    return this.ws.views;
  }

  /** The live in-memory workspace (for the local sandbox, which acts as its people). */
  get workspace(): FakeWorkspace {
    return this.ws;
  }

  /** Calls `listener` after each Web API call or response_url post is answered; returns an unsubscribe. */
  onChange(listener: (change: FakeSlackChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private readonly changeListeners = new Set<(change: FakeSlackChange) => void>();

  private notify(change: FakeSlackChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  /** Files whose upload was completed, with their bytes. */
  get uploadedFiles(): readonly UploadedFile[] {
    return this.ws.uploadedFiles;
  }

  /** Registers a team with its bot user; calls with `botToken` act as that bot. */
  addTeam(spec: TeamSpec): FakeTeam {
    return this.ws.addTeam(spec);
  }

  /** Adds a user; tz defaults to America/New_York and tz_offset follows it unless given. */
  addUser(teamId: string, spec: UserSpec): FakeUser {
    return this.ws.addUser(teamId, spec);
  }

  /** Adds a channel (id generated when omitted); the bot is a member only if listed. */
  addChannel(teamId: string, spec: ChannelSpec): FakeChannel {
    return this.ws.addChannel(teamId, spec);
  }

  /** The live channel (members, messages, pins, ephemerals), or undefined. */
  channel(teamId: string, id: string): FakeChannel | undefined {
    return this.ws.channel(teamId, id);
  }

  /** Current messages of a channel, oldest first (updates applied, deleted ones gone). */
  messages(channelId: string): readonly FakeMessage[] {
    return this.ws.channels.get(channelId)?.messages ?? [];
  }

  /** Messages the bot sent to a user's DM, oldest first. */
  directMessages(teamId: string, userId: string): readonly FakeMessage[] {
    for (const ch of this.ws.channels.values()) {
      if (ch.teamId === teamId && ch.kind === 'im' && ch.user === userId) return ch.messages;
    }
    return [];
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Forgets calls, violations, responses and queued failures; keeps the workspace state. */
  reset(): void {
    this.calls.length = 0;
    this.violations.length = 0;
    this.failures.clear();
    this.periodic.length = 0;
    this.delays.length = 0;
    for (const entry of this.responseUrls.values()) entry.log.length = 0;
  }

  /**
   * Makes every `every`-th call to `method` (counted from now) fail as described, until
   * `reset()`: a Slack that rate-limits or errors now and then.
   */
  failEvery(method: string, every: number, failure: Failure = {}): void {
    this.periodic.push({ method, every, failure, seen: 0 });
  }

  /**
   * Answers the next `times` (default 1) calls to `method` only after `ms` (their effect is
   * applied at once, as when Slack does the work but answers after the client gave up).
   */
  delayNext(method: string, ms: number, times = 1): void {
    this.delays.push({ method, ms, remaining: times });
  }

  /** Makes the next `times` (default 1) calls to `method` fail as described. */
  failNext(method: string, failure: Failure = {}): void {
    const queue = this.failures.get(method) ?? [];
    queue.push({ failure, remaining: failure.times ?? 1 });
    this.failures.set(method, queue);
  }

  /** A response_url on this server; posts to it are recorded and, given a context, applied. */
  createResponseUrl(context: ResponseUrlContext = {}): string {
    const url = `${this.baseUrl}/actions/${context.teamId ?? 'T0'}/${this.responseUrls.size + 1}`;
    this.responseUrls.set(url, { context, log: [] });
    return url;
  }

  responses(url: string): readonly RecordedResponse[] {
    return this.responseUrls.get(url)?.log ?? [];
  }

  /** Posts to every response_url, in arrival order. */
  allResponses(): RecordedResponse[] {
    return [...this.responseUrls.values()].flatMap((e) => e.log).sort((a, b) => a.at - b.at);
  }

  /** Resolves with the first recorded call matching (a method name or predicate), polling. */
  async waitFor(
    match: string | ((call: RecordedCall) => boolean),
    { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
  ): Promise<RecordedCall> {
    const predicate = typeof match === 'string' ? (c: RecordedCall) => c.method === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find(predicate);
      if (found) return found;
      if (Date.now() >= deadline) {
        const seen = this.calls.map((c) => c.method).join(', ') || 'none';
        throw new Error(`fake Slack: no matching call within ${timeoutMs}ms; calls: ${seen}`);
      }
      await sleep(10);
    }
  }

  /** Closes the server and every open connection, idle keep-alive ones included. */
  /** Answers every call held back by `delayNext` (or latency) now: a gate a test opens. */
  releaseDelays(): void {
    for (const entry of this.pauses) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pauses.clear();
  }

  async stop(): Promise<void> {
    for (const entry of this.pauses) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pauses.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    const [, root, ...rest] = url.pathname.split('/');
    if (root === 'api' && rest.length === 1 && rest[0]) {
      await this.handleApi(rest[0], req, url, body, res);
    } else if (root === 'upload' && req.method === 'POST') {
      await this.handleUpload(rest.at(-1) ?? '', req, body, res);
    } else if (root === 'actions' && req.method === 'POST') {
      this.handleResponseUrl(`${this.baseUrl}${url.pathname}`, req, body, res);
    } else {
      send(res, 404, { ok: false, error: 'not_found' });
    }
  }

  private async handleApi(
    method: string,
    req: IncomingMessage,
    url: URL,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const args = await parseArgs(req, url, body).catch(() => undefined);
    const token = bearer(req) ?? (typeof args?.token === 'string' ? args.token : undefined);
    if (args) delete args.token;
    const team = token ? this.ws.teamByToken(token) : undefined;
    const answer = args
      ? this.answer(method, args, token, team)
      : { status: 200, body: { ok: false, error: unparsable(req) } };
    const response = structuredClone(answer.body);
    this.calls.push({
      method,
      token,
      teamId: team?.id,
      args: args ?? {},
      at: Date.now(),
      status: answer.status,
      response,
    });
    this.notify({ kind: 'call', call: this.calls.at(-1)! });
    if (this.latencyMs > 0) await this.pause(this.latencyMs);
    const delay = this.takeDelay(method);
    if (delay > 0) await this.pause(delay);
    send(res, answer.status, response, answer.headers);
  }

  /**
   * Every Web API answer is held back this long after the call is recorded (a slow Slack),
   * so tests can show that acks and modals never wait on the Web API.
   */
  latencyMs = 0;
  private readonly pauses = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pauses.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pauses.add(entry);
    });
  }

  private answer(method: string, args: Args, token?: string, team?: FakeTeam): Answer {
    const failure = this.takeFailure(method, args);
    if (failure) return failureAnswer(failure);
    const handler = Object.hasOwn(HANDLERS, method) ? HANDLERS[method] : undefined;
    if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (!team) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const ctx: MethodContext = {
      ws: this.ws,
      team,
      args,
      baseUrl: this.baseUrl,
      recordViolation: (errors, payload) => {
        this.violations.push({ source: method, teamId: team.id, errors, payload, at: Date.now() });
      },
    };
    try {
      return { status: 200, body: { ok: true, ...handler(ctx) } };
    } catch (error) {
      if (error instanceof SlackRefusal) {
        return { status: 200, body: { ok: false, error: error.error, ...error.extra } };
      }
      return { status: 500, body: { ok: false, error: 'fake_slack_error', detail: `${error}` } };
    }
  }

  private takeDelay(method: string): number {
    const entry = this.delays.find((d) => d.method === method && d.remaining > 0);
    if (!entry) return 0;
    entry.remaining -= 1;
    return entry.ms;
  }

  private takeFailure(method: string, args: Args): Failure | undefined {
    let periodic: Failure | undefined;
    for (const rule of this.periodic) {
      if (rule.method !== method) continue;
      rule.seen += 1;
      if (rule.seen % rule.every === 0) periodic ??= rule.failure;
    }
    if (periodic) return periodic;
    const queue = this.failures.get(method);
    const index =
      queue?.findIndex(
        (q) => q.failure.channel === undefined || q.failure.channel === args.channel,
      ) ?? -1;
    const head = index >= 0 ? queue?.[index] : undefined;
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.splice(index, 1);
    return head.failure;
  }

  private async handleUpload(
    fileId: string,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ) {
    const upload = this.ws.uploads.get(fileId);
    if (!upload) {
      res.writeHead(404).end('file not found');
      return;
    }
    upload.content = await uploadedBytes(req, body);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${upload.content.length}`);
  }

  private handleResponseUrl(url: string, req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const entry = this.responseUrls.get(url);
    if (!entry) {
      send(res, 404, { ok: false, error: 'expired_url' });
      return;
    }
    const payload = parseResponsePayload(req, body);
    if (!payload) {
      send(res, 400, { ok: false, error: 'invalid_payload' });
      return;
    }
    const errors = checkMessage({ text: payload.text, blocks: payload.blocks });
    const status = errors.length > 0 ? 400 : 200;
    entry.log.push({ url, body: payload, at: Date.now(), status, errors });
    if (errors.length > 0) {
      const teamId = entry.context.teamId;
      this.violations.push({ source: 'response_url', teamId, errors, payload, at: Date.now() });
      send(res, status, { ok: false, error: 'invalid_blocks', errors });
      return;
    }
    this.applyResponse(entry.context, payload);
    this.notify({ kind: 'response', url, context: entry.context, body: payload });
    send(res, status, { ok: true });
  }

  /** Changes the workspace as Slack would for a response_url post with a known origin. */
  private applyResponse(context: ResponseUrlContext, payload: Obj): void {
    const team = context.teamId ? this.ws.teams.get(context.teamId) : undefined;
    const channel = team && context.channelId && this.ws.channel(team.id, context.channelId);
    if (!team || !channel) return;
    const fields: MessageFields = {
      text: typeof payload.text === 'string' ? payload.text : undefined,
      blocks: Array.isArray(payload.blocks) ? payload.blocks : undefined,
    };
    const original = channel.messages.find((m) => m.ts === context.messageTs);
    const ephemeral = channel.ephemerals.find((m) => m.message_ts === context.messageTs);
    if (isTrue(payload.delete_original)) {
      if (original) this.ws.deleteMessage(channel, original.ts);
      if (ephemeral) channel.ephemerals.splice(channel.ephemerals.indexOf(ephemeral), 1);
    } else if (isTrue(payload.replace_original) && (original || ephemeral)) {
      if (original) this.ws.updateMessage(original, team, fields);
      if (ephemeral) Object.assign(ephemeral, fields);
    } else if (payload.response_type === 'in_channel') {
      this.ws.appendMessage(channel, team, fields);
    } else if (context.userId) {
      const { text = '', blocks } = fields;
      channel.ephemerals.push({ message_ts: this.ws.nextTs(), user: context.userId, text, blocks });
    }
  }
}

const unparsable = (req: IncomingMessage) =>
  req.headers['content-type']?.includes('json') ? 'invalid_json' : 'invalid_form_data';

const isTrue = (value: unknown) => value === true || value === 'true';

function failureAnswer(failure: Failure): Answer {
  if (failure.status === 429) {
    const headers = { 'retry-after': String(failure.retryAfter ?? 1) };
    return { status: 429, headers, body: { ok: false, error: failure.error ?? 'ratelimited' } };
  }
  const error = failure.error ?? 'internal_error';
  return { status: failure.status ?? 200, body: { ok: false, error } };
}
