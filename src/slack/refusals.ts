import { isDomainRefusal } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { unexpectedFailure } from './errors.js';
import { errorsByBlock } from './inputs/modal-values.js';

/**
 * The one error path for listeners: a domain refusal becomes the sentence it carries (plus
 * its details, one per line); anything else is logged with a reference the person is shown.
 */
export function replyForError(logger: Logger, error: unknown, where: string): string {
  if (isDomainRefusal(error)) {
    const { message, details } = error.refusal;
    return details && details.length > 0
      ? `${message}\n${details.map((d) => `• ${d}`).join('\n')}`
      : message;
  }
  return unexpectedFailure(logger, error, where);
}

/** Inline modal errors for a refusal (`response_action: errors`), keyed by block id. */
export function viewErrorsFor(
  error: unknown,
  fieldToBlock: Record<string, string>,
  fallbackBlock: string,
): { response_action: 'errors'; errors: Record<string, string> } | undefined {
  if (!isDomainRefusal(error)) return undefined;
  const errors = errorsByBlock(error.refusal.fieldErrors ?? {}, fieldToBlock, fallbackBlock);
  if (Object.keys(errors).length === 0) {
    const details = error.refusal.details?.length ? ` ${error.refusal.details.join(' ')}` : '';
    errors[fallbackBlock] = `${error.refusal.message}${details}`.slice(0, 2000);
  }
  return { response_action: 'errors', errors };
}
