import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { addScopeItem, addStageCheckpoint, viewScope } from '../../../services/scope-service.js';
import { scopeOverview } from '../../blocks/scope.js';
import type { SlackDeps } from '../../context.js';
import { unexpectedFailure } from '../../errors.js';
import { SCOPE } from '../../ids.js';
import {
  parseScopeItemForm,
  parseScopeMetadata,
  parseStageForm,
  SCOPE_ITEM_FIELD_BLOCKS,
  STAGE_FIELD_BLOCKS,
} from '../../inputs/scope.js';
import { viewErrorsFor } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { postToResponseUrl } from '../../response-url.js';
import type { ListenerRoutes } from '../routes.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * One scope modal's submission: every problem comes back inline next to its field (nothing
 * typed is lost); on success the modal closes and the operator's overview is refreshed.
 */
function scopeSubmission(
  deps: SlackDeps,
  options: {
    firstBlock: string;
    fieldBlocks: Readonly<Record<string, string>>;
    save: (
      target: { teamId: string; userId: string; slug: string },
      values: unknown,
      deps: SlackDeps,
    ) => Promise<{ ref: string; what: string }>;
  },
) {
  return perRequest(deps, async ({ ack, body, view, context }: ViewArgs, deps) => {
    const metadata = parseScopeMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: {
          [options.firstBlock]: 'This form is out of date. Close it and run `/amos scope` again.',
        },
      });
      return;
    }
    const target = {
      teamId: context.teamId ?? body.team?.id ?? '',
      userId: body.user.id,
      slug: metadata.slug,
    };
    let saved: { ref: string; what: string };
    try {
      saved = await options.save(target, view.state.values, deps);
    } catch (error) {
      const errors = viewErrorsFor(error, options.fieldBlocks, options.firstBlock) ?? {
        response_action: 'errors' as const,
        errors: { [options.firstBlock]: unexpectedFailure(deps.logger, error, 'scope modal') },
      };
      await ack(errors);
      return;
    }
    await ack();
    try {
      const overview = await viewScope(deps.services.deps, target);
      const notice = `:white_check_mark: Added *${saved.ref}* ${saved.what}.`;
      await postToResponseUrl(
        metadata.responseUrl,
        {
          response_type: 'ephemeral',
          replace_original: metadata.replace === true,
          ...scopeOverview(overview, notice),
        },
        deps.logger,
      );
    } catch (error) {
      unexpectedFailure(deps.logger, error, 'scope overview refresh');
    }
  });
}

/** The "Add scope item" and "Add stage checkpoint" modals. */
export function registerScopeViews(app: ListenerRoutes, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    SCOPE.itemModal,
    scopeSubmission(deps, {
      firstBlock: SCOPE.titleBlock,
      fieldBlocks: SCOPE_ITEM_FIELD_BLOCKS,
      save: async (target, values, deps) => {
        const result = await addScopeItem(deps.services.deps, {
          ...target,
          ...parseScopeItemForm(values),
        });
        return { ref: result.ref, what: result.title };
      },
    }),
  );
  app.view<ViewSubmitAction>(
    SCOPE.stageModal,
    scopeSubmission(deps, {
      firstBlock: SCOPE.stageNameBlock,
      fieldBlocks: STAGE_FIELD_BLOCKS,
      save: async (target, values, deps) => {
        const result = await addStageCheckpoint(deps.services.deps, {
          ...target,
          ...parseStageForm(values),
        });
        return { ref: result.ref, what: result.name };
      },
    }),
  );
}
