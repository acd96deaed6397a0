import type { ViewSubmitAction } from '@slack/bolt';
import { FIT_CRITERIA } from '../../../domain/fit.js';
import { type FitOutcome, submitFitAssessment } from '../../../services/fit-service.js';
import { fitVerdictMessage } from '../../blocks/fit.js';
import type { SlackDeps } from '../../context.js';
import { FIT } from '../../ids.js';
import { fitErrorBlocks, parseFitAnswers, parseFitMetadata } from '../../inputs/fit.js';
import { replyForError, viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { type Notice, withNotices } from '../engagement-notices.js';
import type { ListenerRoutes } from '../routes.js';

const FIRST_BLOCK = FIT.holdsBlock(FIT_CRITERIA[0]?.key ?? '');

/**
 * The fit modal's submission: invalid answers come back inline next to their criterion;
 * a valid one is stored and recorded with the verdict DM to the assessor as a job (a `send-notice`
 * committed with it; if Slack refuses the DM, a `slack.error` is recorded in the workspace's
 * decision record), and the modal closes. A double submit stores and sends nothing new.
 */
export function registerFitView(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    FIT.callbackId,
    perRequest(deps, async ({ ack, body, view, context }, deps) => {
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
      try {
        await submitFitAssessment(
          withNotices(deps.services.deps, (o: FitOutcome) => fitVerdictNotice(teamId, userId, o)),
          teamId,
          userId,
          { partnerOrgId, answers },
        );
      } catch (error) {
        const inline = viewErrorsFor(error, fitErrorBlocks(answers), FIRST_BLOCK) ?? {
          response_action: 'errors' as const,
          errors: { [FIRST_BLOCK]: replyForError(deps.logger, error, 'fit assessment') },
        };
        await ack(inline);
        return;
      }
      await ack();
    }),
  );
}

/** The verdict DM to the assessor; none for a repeated submission (nothing new was stored). */
function fitVerdictNotice(teamId: string, userId: string, outcome: FitOutcome): Notice[] {
  if (outcome.repeated) return [];
  return [
    {
      userIds: [userId],
      message: fitVerdictMessage(outcome),
      undelivered: {
        teamId,
        actorId: userId,
        // No engagement here: the failure goes to the workspace chain, next to the fit verdict.
        engagement: null,
        details: { partnerOrg: outcome.org.id, version: String(outcome.version) },
        about: `the fit verdict on ${outcome.org.name} (v${outcome.version})`,
        manualFix: () => `\`/amos fit ${outcome.org.name}\` shows the latest assessment.`,
        reportTo: [],
      },
    },
  ];
}
