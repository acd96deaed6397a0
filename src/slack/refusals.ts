import { isDatabaseUnavailable } from '../db/database.js';
import { isDomainRefusal } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { unexpectedFailure } from './errors.js';
import { errorsByBlock } from './inputs/modal-values.js';

/**
 * Said when the database did not answer in time (unreachable, hung, a lock held too long):
 * the change's transaction did not commit, so nothing was changed.
 */
export const DATABASE_UNAVAILABLE =
  'AMOS cannot reach its database right now; nothing was changed, try again in a minute.';

function databaseUnavailable(logger: Logger, error: unknown, where: string): string | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  logger.warn(
    { err: error instanceof Error ? error.message : String(error), where },
    'database unavailable',
  );
  return DATABASE_UNAVAILABLE;
}

/**
 * The one error path for listeners: a domain refusal becomes the sentence it carries (plus
 * its details, one per line); a database that did not answer in time gets the "try again"
 * sentence; anything else is logged with a reference the person is shown.
 */
export function replyForError(logger: Logger, error: unknown, where: string): string {
  const unavailable = databaseUnavailable(logger, error, where);
  if (unavailable) return unavailable;
  if (isDomainRefusal(error)) {
    const { message, details } = error.refusal;
    return details && details.length > 0
      ? `${message}\n${details.map((d) => `• ${d}`).join('\n')}`
      : message;
  }
  return unexpectedFailure(logger, error, where);
}

/**
 * Inline modal errors for a refusal (`response_action: errors`), keyed by block id; a database
 * that did not answer in time is said next to the first field (nothing typed is lost).
 */
export function viewErrorsFor(
  error: unknown,
  fieldToBlock: Record<string, string>,
  fallbackBlock: string,
  logger?: Logger,
): { response_action: 'errors'; errors: Record<string, string> } | undefined {
  if (isDatabaseUnavailable(error)) {
    if (logger) databaseUnavailable(logger, error, 'modal submission');
    return { response_action: 'errors', errors: { [fallbackBlock]: DATABASE_UNAVAILABLE } };
  }
  if (!isDomainRefusal(error)) return undefined;
  const errors = errorsByBlock(error.refusal.fieldErrors ?? {}, fieldToBlock, fallbackBlock);
  if (Object.keys(errors).length === 0) {
    const details = error.refusal.details?.length ? ` ${error.refusal.details.join(' ')}` : '';
    errors[fallbackBlock] = `${error.refusal.message}${details}`.slice(0, 2000);
  }
  return { response_action: 'errors', errors };
}
