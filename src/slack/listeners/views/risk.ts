import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { raiseEscalation } from '../../../services/escalation-service.js';
import { raiseRisk } from '../../../services/risk-service.js';
import type { RiskModalMetadata } from '../../blocks/risk.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { RISK } from '../../ids.js';
import {
  ESCALATION_FIELD_BLOCKS,
  modalSlug,
  parseEscalationForm,
  parseRiskForm,
  parseRiskMetadata,
  RISK_FIELD_BLOCKS,
} from '../../inputs/risk.js';
import { viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { postToResponseUrl } from '../../response-url.js';
import type { ListenerRoutes } from '../routes.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Save = (
  target: { teamId: string; userId: string; slug?: string; formId: string },
  metadata: RiskModalMetadata,
  values: unknown,
  deps: SlackDeps,
) => Promise<string>;

/**
 * A risk or escalation modal's submission: problems inline next to their field (nothing typed
 * is lost); once committed the modal closes and the person is told what happened.
 */
function submission(deps: SlackDeps, first: string, fields: Record<string, string>, save: Save) {
  return perRequest(deps, async ({ ack, body, view, context }: ViewArgs, deps) => {
    const metadata = parseRiskMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [first]: 'This form is out of date. Close it and run the command again.' },
      });
      return;
    }
    let notice: string;
    try {
      const slug = modalSlug(view.state.values, metadata);
      notice = await save(
        {
          teamId: context.teamId ?? body.team?.id ?? '',
          userId: body.user.id,
          ...(slug ? { slug } : {}),
          formId: metadata.formId,
        },
        metadata,
        view.state.values,
        deps,
      );
    } catch (error) {
      await ack(
        viewErrorsFor(error, fields, first, deps.logger) ?? {
          response_action: 'errors' as const,
          errors: { [first]: unexpectedFailure(deps.logger, error, 'risk modal') },
        },
      );
      return;
    }
    await ack();
    await postToResponseUrl(
      metadata.responseUrl,
      { response_type: 'ephemeral', text: notice },
      deps.logger,
    );
  });
}

/** The risk and escalation modals. */
export function registerRiskViews(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    RISK.modal,
    submission(
      deps,
      RISK.risk.title,
      { ...RISK_FIELD_BLOCKS },
      async (target, metadata, values, deps) => {
        const raised = await raiseRisk(deps.services.deps, {
          ...target,
          input: parseRiskForm(values, metadata),
        });
        if (raised.repeated) return `Risk *${raised.ref}* was already raised from this form.`;
        const escalated = raised.escalationRef
          ? ` It is ${raised.severity}, so escalation *${raised.escalationRef}* went to level 1 of the escalation path.`
          : '';
        return `:white_check_mark: Risk *${raised.ref}* raised for ${raised.slug.toUpperCase()}; the operator and sponsors were told.${escalated}`;
      },
    ),
  );
  app.view<ViewSubmitAction>(
    RISK.escalationModal,
    submission(
      deps,
      RISK.escalation.category,
      { ...ESCALATION_FIELD_BLOCKS },
      async (target, _metadata, values, deps) => {
        const raised = await raiseEscalation(deps.services.deps, {
          ...target,
          input: parseEscalationForm(values),
        });
        if (raised.repeated) return `Escalation *${raised.ref}* was already raised from this form.`;
        return `:white_check_mark: Escalation *${raised.ref}* raised for ${raised.slug.toUpperCase()}; level ${raised.level} of the escalation path was told.`;
      },
    ),
  );
}
