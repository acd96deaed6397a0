import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import { appendDecisionRecord } from '../db/decision-record-repository.js';
import { claimRequestReceipt, pruneRequestReceipts } from '../db/request-receipt-repository.js';
import type { ChainedRecord } from '../domain/decision-record.js';
import { DomainRefusal, type Result, refuse } from '../domain/errors.js';
import type { SlaSettings } from '../domain/escalation.js';
import type { ReminderSettings } from '../domain/reminders.js';
import { type Actor, authorize, type Capability } from '../domain/roles.js';
import type { WorkingHours } from '../domain/working-hours.js';
import { actingRole, adminMentions, loadActor } from './actor-service.js';

/** What every service needs: the database, the clock and the bootstrap admins. */
export interface ServiceDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly admins: readonly string[];
  /** The follow-up job queue (src/jobs/); without it (service tests) enqueued work is dropped. */
  readonly jobs?: JobSender;
  /** The Slack request being answered, when there is one: a replay of it changes nothing. */
  readonly request?: RequestIdentity;
  /** Reminder durations (AMOS_REMINDER_*): without them (service tests) none is scheduled. */
  readonly reminders?: ReminderSettings;
  /** Escalation SLAs (AMOS_SLA_*) and working hours; without them the documented defaults. */
  readonly escalations?: EscalationSettings;
  /**
   * Runs inside the change's transaction after its work, with the work's result: how the Slack
   * side enqueues the notices of a change (rendered from what it committed) in that change.
   */
  readonly followUp?: (change: Change, result: unknown) => Promise<void>;
}

/** What the escalation ladder is configured with. */
export interface EscalationSettings {
  readonly slas: SlaSettings;
  readonly workingHours: WorkingHours;
}

/** How a follow-up job is identified and when it may run. */
export interface EnqueueOptions {
  /** What makes the job unique (`approval-dm:<request>:<user>`); see each job for its rule. */
  readonly key: string;
  /** Not before this moment (a Date), or this many seconds from now. */
  readonly startAfter?: Date | number;
}

/** A job checked against its definition (payload parsed, id and start computed), not yet inserted. */
export interface PreparedJob {
  readonly name: string;
}

/** Puts follow-up jobs into a change's own transaction (implemented in src/jobs/queue.ts). */
export interface JobSender {
  send(trx: Trx, name: string, payload: unknown, options: EnqueueOptions): Promise<void>;
  /**
   * Checks a job for a later `sendPrepared` (throws when its payload is not what the job
   * accepts, or no job has that name), so a change refuses a bad job where it enqueues it.
   */
  prepare(name: string, payload: unknown, options: EnqueueOptions): PreparedJob;
  /**
   * Prepared jobs of any names in one statement, each keyed as with `send` (a `once` key already
   * queued, or given twice, kept as it is first; a `latest` job given twice alike, once).
   */
  sendPrepared(trx: Trx, jobs: readonly PreparedJob[]): Promise<void>;
  /**
   * Many jobs of one name in one statement (the scheduler's deliveries): each keyed as with
   * `send`, a key already queued kept as it is.
   */
  sendMany(
    trx: Trx,
    name: string,
    jobs: readonly { readonly payload: unknown; readonly options: EnqueueOptions }[],
  ): Promise<void>;
  /** Called once the change committed: wakes this process's workers for these jobs. */
  committed(names: ReadonlySet<string>): void;
}

/**
 * A Slack request's identity (a hash of its signature, or its trigger id in Socket Mode). The
 * first change of the request stores it in its own transaction; a second request with the same
 * identity (a replay, on any instance) is refused and rolls back.
 */
export interface RequestIdentity {
  readonly key: string;
  /** True once a change of this request committed; its later changes need no second claim. */
  claimed: boolean;
}

/** Old receipts are pruned by about one claim in this many. */
const PRUNE_ONE_IN = 50;

export const ALREADY_HANDLED =
  'Already handled: Slack delivered this request before and it was acted on then, so nothing was changed again.';

export interface RecordSpec {
  engagementId: string | null;
  kind: string;
  subjectRef: string | null;
  summary: string;
  details?: unknown;
  /** The capability exercised, to name the acting role; defaults to the actor's most senior role. */
  capability?: Capability;
  /** The acting role as recorded, when no person acts (`system` for a due moment). */
  role?: string;
}

/** One change in progress: its transaction, who acts, when, and how to record it. */
export interface Change {
  readonly trx: Trx;
  readonly teamId: string;
  readonly actor: Actor;
  readonly now: Date;
  /** Refuses (rolling the transaction back) unless the actor holds the capability. */
  authorize(capability: Capability): Promise<void>;
  /** Appends a decision record in this transaction. */
  record(spec: RecordSpec): Promise<ChainedRecord>;
  /**
   * Enqueues a follow-up job (a Slack effect) in this transaction: it exists if and only if
   * the change commits, and runs after the commit. The payload is checked here (a bad one
   * throws); the change's jobs are inserted together, in one statement, when its work is done
   * and before it commits.
   */
  enqueue(name: string, payload: unknown, options: EnqueueOptions): Promise<void>;
}

/** Unwraps a domain result; a refusal is thrown as DomainRefusal, which rolls the change back. */
export function check<T>(result: Result<T>): T {
  if (!result.ok) throw new DomainRefusal(result.refusal);
  return result.value;
}

/** Throws a not_found refusal. */
export function notFound(message: string): never {
  throw new DomainRefusal(refuse('not_found', message).refusal);
}

/**
 * Runs `work` in one database transaction with the acting user loaded: the change, its
 * decision records and its follow-up jobs commit together or not at all. Slack calls belong
 * after it returns. When `deps.request` names the Slack request being answered, the request's
 * first change stores its identity in the same transaction: a replayed request is refused
 * ("Already handled") and rolls back.
 */
export async function runChange<T>(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
  work: (change: Change) => Promise<T>,
): Promise<T> {
  const enqueued = new Set<string>();
  const pending: PreparedJob[] = [];
  const request = deps.request && !deps.request.claimed ? deps.request : undefined;
  const result = await deps.db.transaction().execute(async (trx) => {
    if (request) {
      if (!(await claimRequestReceipt(trx, teamId, request.key))) {
        throw new DomainRefusal(refuse('conflict', ALREADY_HANDLED).refusal);
      }
      if (Math.random() * PRUNE_ONE_IN < 1) await pruneRequestReceipts(trx);
    }
    const actor = await loadActor(trx, teamId, userId, deps.admins);
    const now = deps.clock.now();
    const change: Change = {
      trx,
      teamId,
      actor,
      now,
      async authorize(capability) {
        // The admins are read only for the refusal's "ask an admin" text.
        if (authorize(actor, capability).ok) return;
        check(authorize(actor, capability, await adminMentions(trx, teamId, deps.admins)));
      },
      record: (spec) =>
        appendDecisionRecord(trx, {
          teamId,
          engagementId: spec.engagementId,
          at: now,
          actorId: actor.userId,
          actorRole: spec.role ?? actingRole(actor, spec.capability),
          kind: spec.kind,
          subjectRef: spec.subjectRef,
          summary: spec.summary,
          details: spec.details ?? {},
        }),
      async enqueue(name, payload, options) {
        if (!deps.jobs) return;
        pending.push(deps.jobs.prepare(name, payload, options));
        enqueued.add(name);
      },
    };
    const result = await work(change);
    await deps.followUp?.(change, result);
    // Every job of the change in one insert, in its transaction (one statement, not one each).
    if (deps.jobs && pending.length > 0) await deps.jobs.sendPrepared(trx, pending);
    return result;
  });
  if (request) request.claimed = true;
  if (enqueued.size > 0) deps.jobs?.committed(enqueued);
  return result;
}
