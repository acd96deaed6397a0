import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { EnqueueOptions, ServiceDeps } from '../services/change.js';

/**
 * How jobs of one kind relate to each other:
 * - `once`: one job per key (enqueuing the same key again is a no-op while the first is kept);
 *   for effects that happen once, such as a DM.
 * - `latest`: jobs of the same key run one at a time and each renders the latest committed
 *   state, so the one that starts cancels every other one already queued for that key (they
 *   would render the same); for refreshes, such as a request's copies or a person's App Home.
 */
export type JobKind = 'once' | 'latest';

/** A Slack call that failed, as a job reports it: recorded once as `slack.error`, people told. */
export interface FailureReport {
  /** What makes this failure unique, so it is recorded once however often it is seen. */
  readonly key: string;
  /** The engagement whose record gets the `slack.error`; null for the workspace chain. */
  readonly engagementId: string | null;
  readonly slug?: string;
  /** Whose action led to the call; the record names them as actor. */
  readonly actorId: string;
  readonly method: string;
  readonly error: string;
  /** "DM the approval request EX-1 to <@U1>". */
  readonly attempted: string;
  /** What a person can do about it. */
  readonly manualFix: string;
  /** Who is told by DM what failed (duplicates skipped). */
  readonly reportTo: readonly string[];
  readonly userId?: string;
  readonly channelId?: string;
  /** Ids to keep in the record; never message bodies. */
  readonly details?: Record<string, unknown>;
  /** Steps not attempted because of this failure, listed in the DM. */
  readonly notDone?: readonly string[];
  /** The value of a "Retry the set-up" button in the DM, when the step can be retried. */
  readonly retryValue?: string;
}

export interface JobContext {
  readonly teamId: string;
  /** The workspace's bot client: no retries of its own (the job is the retry policy). */
  readonly client: WebClient;
  readonly deps: ServiceDeps;
  readonly logger: Logger;
  readonly config: Config;
  readonly job: {
    readonly id: string;
    readonly name: string;
    readonly key: string;
    readonly attempt: number;
  };
  /**
   * Runs one Web API call. A failure is thrown on as a SlackCallFailed naming the method, for
   * the runner's retry policy; `catch` it to handle a permanent refusal yourself.
   */
  call<T>(method: string, run: () => Promise<T>): Promise<T>;
  /** Records a failure once (`slack.error`) and tells the people named, as its own change. */
  reportFailure(report: FailureReport): Promise<void>;
  /** Enqueues another job as its own change (outside any service change). */
  enqueue(name: string, payload: unknown, options: EnqueueOptions): Promise<void>;
  /** Enqueues several jobs together (one statement), as their own change. */
  enqueueAll(
    jobs: readonly { name: string; payload: unknown; options: EnqueueOptions }[],
  ): Promise<void>;
}

export interface JobDefinition<P extends { teamId: string } = { teamId: string }> {
  /** Named by what it does: `send-approval-request`. */
  readonly name: string;
  readonly payload: z.ZodType<P>;
  readonly kind: JobKind;
  /** Waits this long after enqueuing unless told otherwise (a debounce), in milliseconds. */
  readonly delayMs?: (config: Config) => number;
  /** How many run at once in one worker process (default 5). */
  readonly concurrency?: number;
  /** Carries the effect out; safe to run again (idempotent). */
  handle(ctx: JobContext, payload: P): Promise<void>;
  /**
   * What to record when Slack refuses for good or retries ran out; without it the failure is
   * only logged (for effects whose failure a person has no use for).
   */
  failure?(
    ctx: JobContext,
    payload: P,
    failed: { method: string; error: string; key: string },
  ): Promise<FailureReport | undefined> | FailureReport | undefined;
}

/** Defines a job (keeps the payload type between schema, handler and failure report). */
export function defineJob<P extends { teamId: string }>(
  definition: JobDefinition<P>,
): JobDefinition<P> {
  return definition;
}
