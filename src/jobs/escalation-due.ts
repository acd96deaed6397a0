import { z } from 'zod';
import { escalationDue as due } from '../services/escalation-service.js';
import { JOB } from '../services/follow-up.js';
import { defineJob } from './job.js';
import { RunAgainLater } from './slack-failure.js';

export const ESCALATION_DUE = JOB.escalationDue;

/**
 * The due moment of one step of an escalation (enqueued with pg-boss `startAfter` in the change
 * that reached the level; key `<escalation>:<step>`). The ladder decides with the service's
 * clock: not acknowledged, it moves up (recorded, DMed, the next due moment enqueued, in one
 * change); acknowledged, resolved or already moved, nothing. Early (clocks differ), it runs
 * again when due.
 */
export const escalationDue = defineJob({
  name: ESCALATION_DUE,
  kind: 'once',
  payload: z.object({ teamId: z.string(), escalationId: z.string(), step: z.number().int() }),
  async handle(ctx, p) {
    const outcome = await due(ctx.deps, p);
    if (outcome.kind === 'waits') throw new RunAgainLater(outcome.seconds, 'not due yet');
    if (outcome.kind === 'moved') {
      ctx.logger.info({ ref: outcome.ref, to: outcome.to }, 'escalation moved up');
    }
  },
});
