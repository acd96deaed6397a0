/** HTTP plumbing of the fake Slack: reading and parsing requests as Slack's clients send them. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Args } from './fake-slack-methods.js';
import type { Obj } from './fake-slack-workspace.js';

/** Form fields `@slack/web-api` JSON-encodes because their values are objects or arrays. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata', 'files', 'unfurls'];

/** Writes a JSON answer with an exact content-length. */
export function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    })
    .end(text);
}

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The token of an `Authorization: Bearer` header, if any. */
export function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The call's arguments from query, JSON, form or multipart body; JSON-encoded fields decoded. */
export async function parseArgs(req: IncomingMessage, url: URL, body: Buffer): Promise<Args> {
  const type = req.headers['content-type'] ?? '';
  const args: Args = Object.fromEntries(url.searchParams);
  if (type.includes('application/json')) {
    const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    if (!isObj(parsed)) throw new Error('JSON body must be an object');
    Object.assign(args, parsed);
  } else if (type.includes('multipart/form-data')) {
    Object.assign(args, await parseMultipart(type, body));
  } else {
    Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value === 'string') args[key] = parseJsonOr(value);
  }
  return args;
}

async function parseMultipart(contentType: string, body: Buffer): Promise<Args> {
  const request = new Request('http://fake-slack.local/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  });
  const args: Args = {};
  for (const [key, value] of await request.formData()) {
    args[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
  }
  return args;
}

/** The file bytes of an upload: the multipart file part (WebClient sends `body`) or the raw body. */
export async function uploadedBytes(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('multipart/form-data')) return body;
  const parts = Object.values(await parseMultipart(type, body));
  const file = parts.find((part) => Buffer.isBuffer(part)) ?? parts[0];
  return Buffer.isBuffer(file) ? file : Buffer.from(String(file ?? ''));
}

/** A response_url post: JSON, or a form with a JSON `payload` field. */
export function parseResponsePayload(req: IncomingMessage, body: Buffer): Obj | undefined {
  const text = body.toString('utf8');
  const type = req.headers['content-type'] ?? '';
  const raw = type.includes('application/x-www-form-urlencoded')
    ? (new URLSearchParams(text).get('payload') ?? '')
    : text;
  const parsed = parseJsonOr(raw);
  return isObj(parsed) ? parsed : undefined;
}
