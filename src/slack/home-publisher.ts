import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { ServiceDeps } from '../services/change.js';
import { homeContent } from '../services/home-service.js';
import { homeView } from './blocks/home.js';
import { HELP_CATALOGUE } from './command-help.js';

/**
 * Publishes (or republishes) App Home for each user from the current state, so the copy of an
 * approval request shown there follows the decision. A failure is logged, never thrown: the
 * tab is a view of the record, not the record.
 */
export async function publishHomes(
  client: WebClient,
  deps: ServiceDeps,
  logger: Logger,
  teamId: string,
  userIds: Iterable<string>,
): Promise<void> {
  for (const userId of new Set(userIds)) {
    try {
      const content = await homeContent(deps, teamId, userId);
      await client.views.publish({
        user_id: userId,
        view: homeView(userId, content, HELP_CATALOGUE),
      });
    } catch (error) {
      logger.warn(
        { userId, err: error instanceof Error ? error.message : String(error) },
        'App Home not published',
      );
    }
  }
}
