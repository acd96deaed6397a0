/** Every reason the domain can refuse an action. Closed: the Slack layer maps each one. */
export type RefusalCode =
  | 'no_role'
  | 'forbidden_role'
  | 'separation_of_duties'
  | 'wrong_stage'
  | 'gate_not_met'
  | 'not_found'
  | 'already_decided'
  | 'already_voted'
  | 'not_acknowledged'
  | 'not_partner_member'
  | 'invalid_input'
  | 'conflict';

export interface Refusal {
  readonly code: RefusalCode;
  /** One sentence a person can act on. */
  readonly message: string;
  /** One line per unmet condition or problem, when there are several. */
  readonly details?: readonly string[];
  /** Input field key -> message, so modals can show inline errors next to the field. */
  readonly fieldErrors?: Readonly<Record<string, string>>;
}

export type Result<T> = { readonly ok: true; readonly value: T } | Failure;
export type Failure = { readonly ok: false; readonly refusal: Refusal };

/** Wraps a value as a successful result. */
export function ok(): Result<void>;
export function ok<T>(value: T): Result<T>;
export function ok<T>(value?: T): Result<T | undefined> {
  return { ok: true, value };
}

/** Builds a failed result; `details` and `fieldErrors` are omitted when empty. */
export function refuse(
  code: RefusalCode,
  message: string,
  details?: readonly string[],
  fieldErrors?: Readonly<Record<string, string>>,
): Failure {
  const refusal: Refusal = {
    code,
    message,
    ...(details && details.length > 0 ? { details } : {}),
    ...(fieldErrors && Object.keys(fieldErrors).length > 0 ? { fieldErrors } : {}),
  };
  return { ok: false, refusal };
}

/** A refusal thrown by a service so the surrounding transaction rolls back. */
export class DomainRefusal extends Error {
  readonly refusal: Refusal;

  constructor(refusal: Refusal) {
    super(refusal.message);
    this.name = 'DomainRefusal';
    this.refusal = refusal;
  }
}

/** Returns the value of a successful result, or throws its refusal as a DomainRefusal. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new DomainRefusal(result.refusal);
  return result.value;
}

/** True when `error` is a DomainRefusal (also across module copies, by name and shape). */
export function isDomainRefusal(error: unknown): error is DomainRefusal {
  return (
    error instanceof DomainRefusal ||
    (error instanceof Error &&
      error.name === 'DomainRefusal' &&
      typeof (error as { refusal?: unknown }).refusal === 'object')
  );
}
