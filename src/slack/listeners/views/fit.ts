import type { App, ViewSubmitAction } from '@slack/bolt';
import { FIT_CRITERIA } from '../../../domain/fit.js';
import { submitFitAssessment } from '../../../services/fit-service.js';
import { recordSlackError } from '../../../services/slack-error-service.js';
import { fitVerdictMessage } from '../../blocks/fit.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { FIT } from '../../ids.js';
import { fitErrorBlocks, parseFitAnswers, parseFitMetadata } from '../../inputs/fit.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { attempt } from '../../slack-error-reporter.js';

const FIRST_BLOCK = FIT.holdsBlock(FIT_CRITERIA[0]?.key ?? '');

/**
 * The fit modal's submission: invalid answers come back inline next to their criterion;
 * a valid one is stored and recorded, the modal closes, and the assessor gets the verdict by DM
 * (if Slack refuses the DM, a `slack.error` is recorded in the workspace's decision record).
 */
export function registerFitView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    FIT.callbackId,
    perRequest(deps, async ({ ack, body, view, client, context }, deps) => {
      const teamId = context.teamId ?? body.team?.id ?? view.team_id;
      const userId = body.user.id;
      const partnerOrgId = parseFitMetadata(view.private_metadata);
      if (!partnerOrgId) {
        await ack({
          response_action: 'errors',
          errors: {
            [FIRST_BLOCK]:
              'This form is out of date. Close it and type `/amos fit <organisation>` again.',
          },
        });
        return;
      }
      const answers = parseFitAnswers(view.state.values);
      let outcome: Awaited<ReturnType<typeof submitFitAssessment>>;
      try {
        outcome = await submitFitAssessment(deps.services.deps, teamId, userId, {
          partnerOrgId,
          answers,
        });
      } catch (error) {
        const inline = viewErrorsFor(error, fitErrorBlocks(answers), FIRST_BLOCK) ?? {
          response_action: 'errors' as const,
          errors: { [FIRST_BLOCK]: replyForError(deps.logger, error, 'fit assessment') },
        };
        await ack(inline);
        return;
      }
      await ack();
      if (outcome.repeated) return;
      const sent = await attempt(() =>
        client.chat.postMessage({ channel: userId, ...fitVerdictMessage(outcome) }),
      );
      if (sent.ok) return;
      // No engagement here: the failure goes to the workspace chain, next to the fit verdict.
      deps.logger.warn({ teamId, error: sent.error, where: 'fit verdict DM' }, 'slack call failed');
      try {
        await recordSlackError(deps.services.deps, {
          teamId,
          userId,
          engagementId: null,
          method: 'chat.postMessage',
          error: sent.error,
          attempted: `DM <@${userId}> the fit verdict on ${outcome.org.name} (v${outcome.version})`,
          details: { user: userId, partnerOrg: outcome.org.id, version: outcome.version },
        });
      } catch (error) {
        unexpectedFailure(deps.logger, error, 'fit verdict DM slack.error');
      }
    }),
  );
}
