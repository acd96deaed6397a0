import { z } from 'zod';
import { JOB } from '../services/follow-up.js';
import { homeContent } from '../services/home-service.js';
import { homeView } from '../slack/blocks/home.js';
import { HELP_CATALOGUE } from '../slack/command-help.js';
import { defineJob } from './job.js';

export const PUBLISH_HOME = JOB.publishHome;

/**
 * Publishes one person's App Home from the current state. Key: `home:<user>`. Coalesced per
 * person: it waits AMOS_HOME_DEBOUNCE after being enqueued, and the one that starts supersedes
 * every other queued for that person, so a burst of changes gives one publish. A failure is
 * logged, not recorded: the tab is a view of the record, not the record.
 */
export const publishHome = defineJob({
  name: PUBLISH_HOME,
  kind: 'latest',
  delayMs: (config) => config.jobs.homeDebounceMs,
  payload: z.object({ teamId: z.string(), userId: z.string() }),
  async handle(ctx, p) {
    const content = await homeContent(ctx.deps, p.teamId, p.userId);
    await ctx.call('views.publish', () =>
      ctx.client.views.publish({
        user_id: p.userId,
        view: homeView(p.userId, content, HELP_CATALOGUE),
      }),
    );
  },
});
