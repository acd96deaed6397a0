import { ErrorCode } from '@slack/web-api';

/**
 * What a failed Web API call means for the job that made it:
 * - `ratelimited`: Slack refused before doing anything; run again after `retryAfterSeconds`.
 * - `transient`: a 5xx, a timeout or a broken connection; Slack may or may not have done it,
 *   so retry with backoff (message jobs look for their earlier message first).
 * - `permanent`: Slack refused and will refuse again (`channel_not_found`, `not_in_channel`,
 *   `restricted_action`, `user_not_found`, ...); record once, never retry.
 */
export type SlackFailure =
  | {
      readonly kind: 'ratelimited';
      readonly code: 'ratelimited';
      readonly retryAfterSeconds: number;
    }
  | { readonly kind: 'transient'; readonly code: string }
  | { readonly kind: 'permanent'; readonly code: string };

/** Platform errors that are Slack's own trouble, not the request's: worth another try. */
const TRANSIENT_CODES = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** Classifies an error thrown by `@slack/web-api`; undefined when it is not a Slack call failure. */
export function classifySlackFailure(error: unknown): SlackFailure | undefined {
  const e = error as
    | {
        code?: unknown;
        retryAfter?: unknown;
        statusCode?: unknown;
        data?: { error?: unknown };
      }
    | undefined;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return {
        kind: 'ratelimited',
        code: 'ratelimited',
        retryAfterSeconds: typeof e.retryAfter === 'number' ? Math.max(1, e.retryAfter) : 1,
      };
    case ErrorCode.RequestError:
      return { kind: 'transient', code: 'request_failed' };
    case ErrorCode.HTTPError:
      return { kind: 'transient', code: `http_${String(e.statusCode ?? 'error')}` };
    case ErrorCode.PlatformError: {
      const code = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      return TRANSIENT_CODES.has(code) ? { kind: 'transient', code } : { kind: 'permanent', code };
    }
    default:
      return undefined;
  }
}

/** True when Slack certainly did not carry out the call (so a message was not posted). */
export function certainlyNotDone(failure: SlackFailure): boolean {
  return failure.kind === 'ratelimited' || failure.kind === 'permanent';
}

/** Thrown by a job to be run again later (after `delaySeconds`) without counting as a failure. */
export class RunAgainLater extends Error {
  constructor(
    readonly delaySeconds: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** A Web API call made by a job failed; carries the method for the failure record. */
export class SlackCallFailed extends Error {
  constructor(
    readonly method: string,
    readonly failure: SlackFailure,
    options?: { cause?: unknown },
  ) {
    super(`${method} failed: ${failure.code}`, options);
  }
}
