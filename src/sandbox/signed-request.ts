import { createHmac } from 'node:crypto';

/** Slack's v0 request signature over `v0:<timestamp>:<raw body>`. */
export function slackSignature(
  signingSecret: string,
  timestampSeconds: number,
  body: string,
): string {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${body}`)
    .digest('hex');
  return `v0=${digest}`;
}

export interface SignedRequestOptions {
  signingSecret: string;
  /** Seconds since the epoch written into X-Slack-Request-Timestamp; defaults to now. */
  timestampSeconds?: number;
  /** Sign with this secret instead, to produce a bad signature. */
  signWith?: string;
  retryNum?: number;
  retryReason?: string;
}

export interface SlackHttpResponse {
  status: number;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: unknown;
}

/**
 * POSTs a body to a Bolt endpoint exactly as Slack does: the raw string body, the exact
 * content type (no `;charset` suffix, which Bolt rejects for form bodies) and a valid
 * signature unless the options ask for a bad one.
 */
export async function postSigned(
  url: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  options: SignedRequestOptions,
): Promise<SlackHttpResponse> {
  const timestamp = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.signWith ?? options.signingSecret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Encodes a form body the way Slack does (application/x-www-form-urlencoded). */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
