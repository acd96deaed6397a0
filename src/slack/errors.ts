import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';

/** A short id shown to the person and written to the log, so support can find the failure. */
export function correlationId(): string {
  return randomBytes(4).toString('hex');
}

/** The reply for a failure we did not expect; the error itself goes to the log only. */
export function unexpectedFailure(logger: Logger, error: unknown, where: string): string {
  const ref = correlationId();
  logger.error(
    {
      err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
      ref,
      where,
    },
    'unexpected failure',
  );
  // Not "nothing was changed": the failure may come after a change committed (e.g. while
  // telling people about it), and every committed change is in the decision record.
  return `Something went wrong on our side. Anything already decided is in the decision record (\`/amos log\`), so check \`/amos status\` before trying again. If it happens again, give your admin this reference: \`${ref}\`.`;
}
