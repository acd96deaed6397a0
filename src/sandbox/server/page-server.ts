/**
 * The sandbox's HTTP server on 127.0.0.1: the built page, one JSON endpoint per thing a person
 * can do, the state a person sees, a Server-Sent Events feed that says "something changed"
 * (the page then reads its state again), and downloads of files the bot uploaded.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { readBody, send } from '../fake-slack-http.js';
import { snapshot } from './snapshot.js';
import { type ActionOutcome, PersonError, type WorkspaceActor } from './workspace-actor.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

const STARTING_PAGE = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="1">
<title>AMOS sandbox</title><p style="font-family:sans-serif">The AMOS sandbox is starting…</p>`;

const values = z.record(z.string(), z.record(z.string(), z.unknown()));
const user = z.string().regex(/^[UW][A-Z0-9]+$/);
const Requests = {
  command: z.object({ user, channel: z.string(), text: z.string().max(4000) }),
  message: z.object({
    user,
    channel: z.string(),
    text: z.string().min(1).max(40_000),
    threadTs: z.string().optional(),
  }),
  action: z.object({
    user,
    target: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('message'),
        channelId: z.string(),
        ts: z.string(),
        ephemeral: z.boolean().optional(),
      }),
      z.object({ kind: z.literal('view'), viewId: z.string() }),
    ]),
    element: z.looseObject({ type: z.string(), action_id: z.string(), block_id: z.string() }),
    state: values.optional(),
  }),
  submit: z.object({ user, viewId: z.string(), values }),
  close: z.object({ user, viewId: z.string() }),
  home: z.object({ user }),
  invite: z.object({ user, channel: z.string(), users: z.array(user).min(1) }),
};

export interface PageServer {
  /** e.g. `http://127.0.0.1:5173` */
  readonly url: string;
  /** Serve the built page from this folder (until then a "starting" page is shown). */
  servePage(dir: string): void;
  stop(): Promise<void>;
}

export async function startPageServer(
  actor: WorkspaceActor,
  options: { port?: number } = {},
): Promise<PageServer> {
  let pageDir: string | undefined;
  const streams = new Set<ServerResponse>();
  let version = 0;
  let pending: NodeJS.Timeout | undefined;
  actor.onChange(() => {
    version += 1;
    if (pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      for (const res of streams) res.write(`event: change\ndata: ${version}\n\n`);
    }, 15);
  });
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && url.pathname === '/api/state') {
      const me = url.searchParams.get('user') ?? '';
      if (!user.safeParse(me).success) return send(res, 400, { ok: false, error: 'bad_user' });
      return send(res, 200, snapshot(actor, me));
    }
    if (req.method === 'GET' && url.pathname === '/api/live') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`retry: 500\nevent: change\ndata: ${version}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'GET' && parts[0] === 'files' && parts[1]) {
      const file = actor.fake.uploadedFiles.find((f) => f.id === decodeURIComponent(parts[1]!));
      if (!file) return void res.writeHead(404).end('file not found');
      res
        .writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': file.content.length,
          'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        })
        .end(file.content);
      return;
    }
    if (
      req.method === 'POST' &&
      parts[0] === 'api' &&
      parts[1] &&
      Object.hasOwn(Requests, parts[1])
    ) {
      const name = parts[1] as keyof typeof Requests;
      const parsed = Requests[name].safeParse(parseJson(await readBody(req)));
      if (!parsed.success) return send(res, 400, { ok: false, error: 'invalid_request' });
      return send(res, 200, await perform(actor, name, parsed.data));
    }
    if (req.method === 'GET') return serveStatic(pageDir, url.pathname, res);
    send(res, 404, { ok: false, error: 'not_found' });
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    servePage(dir) {
      pageDir = dir;
      for (const res of streams) res.write('event: reload\ndata: page\n\n');
    },
    async stop() {
      clearInterval(keepAlive);
      if (pending) clearTimeout(pending);
      for (const res of streams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: each request's shape was checked by its schema
async function perform(actor: WorkspaceActor, name: keyof typeof Requests, r: any) {
  try {
    const outcome: ActionOutcome = await (() => {
      switch (name) {
        case 'command':
          return actor.command(r.user, r.channel, r.text);
        case 'message':
          return actor.message(r.user, r.channel, r.text, r.threadTs);
        case 'action':
          return actor.action(r.user, r.target, r.element, r.state);
        case 'submit':
          return actor.submit(r.user, r.viewId, r.values);
        case 'close':
          return actor.close(r.user, r.viewId);
        case 'home':
          return actor.openHome(r.user);
        case 'invite':
          return actor.invite(r.user, r.channel, r.users);
      }
    })();
    return outcome;
  } catch (error) {
    if (error instanceof PersonError) return { ok: false, error: error.message };
    return { ok: false, error: `The app could not be reached (${String(error)})` };
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

async function serveStatic(dir: string | undefined, pathname: string, res: ServerResponse) {
  if (!dir) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' }).end(STARTING_PAGE);
    return;
  }
  const root = path.resolve(dir);
  const wanted = path.resolve(root, `.${decodeURIComponent(pathname)}`);
  let file = wanted.startsWith(root + path.sep) ? wanted : path.join(root, 'index.html');
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) file = path.join(root, 'index.html');
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}
