import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { SCOPE_LIMITS } from '../../../domain/scope.js';
import { raiseChangeRequest } from '../../../services/change-request-service.js';
import { reviewDeliverable, submitDeliverable } from '../../../services/deliverable-service.js';
import type { DeliveryModalMetadata } from '../../blocks/governed-delivery.js';
import { esc } from '../../blocks/text.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { DELIVERY } from '../../ids.js';
import {
  CHANGE_FIELD_BLOCKS,
  DELIVER_FIELD_BLOCKS,
  parseChangeForm,
  parseDeliverForm,
  parseDeliveryMetadata,
  parseReviewForm,
  reviewFieldBlocks,
} from '../../inputs/governed-delivery.js';
import { viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { postToResponseUrl } from '../../response-url.js';
import type { ListenerRoutes } from '../routes.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Target = { teamId: string; userId: string; slug: string };

/**
 * One governed-delivery modal's submission: problems come back inline next to their field;
 * once the change is committed the modal closes and the person who acted is told what happened.
 */
function submission(
  deps: SlackDeps,
  firstBlock: (view: ViewSubmitAction['view']) => string,
  fieldBlocks: (view: ViewSubmitAction['view']) => Record<string, string>,
  save: (
    target: Target,
    metadata: DeliveryModalMetadata,
    values: unknown,
    deps: SlackDeps,
  ) => Promise<string>,
) {
  return perRequest(deps, async ({ ack, body, view, context }: ViewArgs, deps) => {
    const metadata = parseDeliveryMetadata(view.private_metadata);
    const first = firstBlock(view);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [first]: 'This form is out of date. Close it and run the command again.' },
      });
      return;
    }
    const target = {
      teamId: context.teamId ?? body.team?.id ?? '',
      userId: body.user.id,
      slug: metadata.slug,
    };
    let notice: string;
    try {
      notice = await save(target, metadata, view.state.values, deps);
    } catch (error) {
      await ack(
        viewErrorsFor(error, fieldBlocks(view), first, deps.logger) ?? {
          response_action: 'errors' as const,
          errors: { [first]: unexpectedFailure(deps.logger, error, 'governed delivery modal') },
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

/** The change request, deliverable and deliverable review modals. */
export function registerGovernedDeliveryViews(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    DELIVERY.changeModal,
    submission(
      deps,
      () => DELIVERY.change.type,
      () => ({ ...CHANGE_FIELD_BLOCKS }),
      async (target, _metadata, values, deps) => {
        const raised = await raiseChangeRequest(deps.services.deps, {
          ...target,
          ...parseChangeForm(values),
        });
        return `:white_check_mark: Change request *${raised.ref}* raised for ${raised.engagement.slug.toUpperCase()}; it needs ${raised.requiredApprovals} executive ${raised.requiredApprovals === 1 ? 'approval' : 'approvals'} (\`/amos approve ${raised.engagement.slug} ${raised.ref}\`).`;
      },
    ),
  );
  app.view<ViewSubmitAction>(
    DELIVERY.deliverModal,
    submission(
      deps,
      () => DELIVERY.deliver.item,
      () => ({ ...DELIVER_FIELD_BLOCKS }),
      async (target, _metadata, values, deps) => {
        const saved = await submitDeliverable(deps.services.deps, {
          ...target,
          ...parseDeliverForm(values),
        });
        return `:white_check_mark: Deliverable *${saved.ref}*${saved.version > 1 ? ` (version ${saved.version})` : ''} for ${saved.scopeRef} submitted for review.`;
      },
    ),
  );
  app.view<ViewSubmitAction>(
    DELIVERY.reviewModal,
    submission(
      deps,
      () => DELIVERY.criterionBlock(0),
      () => reviewFieldBlocks(SCOPE_LIMITS.criteria),
      async (target, metadata, values, deps) => {
        const reviewed = await reviewDeliverable(deps.services.deps, {
          ...target,
          ref: metadata.ref ?? '',
          answers: parseReviewForm(values, SCOPE_LIMITS.criteria),
        });
        return reviewed.verdict === 'accepted'
          ? `:white_check_mark: *${reviewed.ref}* accepted: ${reviewed.scopeRef} is done.`
          : `:leftwards_arrow_with_hook: *${reviewed.ref}* returned. Not met: ${reviewed.unmet.map((u) => `"${esc(u.criterion)}" (${esc(u.note)})`).join('; ')}.`;
      },
    ),
  );
}
