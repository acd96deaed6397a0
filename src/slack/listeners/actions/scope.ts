import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { checkScopeEditableFor, viewScope } from '../../../services/scope-service.js';
import { scopeItemModal, scopeOverview, stageModal } from '../../blocks/scope.js';
import type { SlackDeps } from '../../context.js';
import { SCOPE } from '../../ids.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import { submitAndNotify } from '../../requirements-submission.js';
import type { ListenerRoutes } from '../routes.js';

/** The overview's buttons: Add scope item, Add stage checkpoint (modals), Submit for approval. */
export function registerScopeActions(app: ListenerRoutes, deps: SlackDeps): void {
  type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
  const openModal =
    (kind: 'item' | 'stage') =>
    async ({ ack, body, action, respond, client, context }: ButtonArgs) => {
      await ack();
      const target = {
        teamId: context.teamId ?? body.team?.id ?? '',
        userId: body.user.id,
        slug: action.value,
      };
      try {
        const engagement = await checkScopeEditableFor(deps.services.deps, target);
        const metadata = { slug: engagement.slug, responseUrl: body.response_url, replace: true };
        await client.views.open({
          trigger_id: body.trigger_id,
          view: kind === 'item' ? scopeItemModal(metadata) : stageModal(metadata),
        });
      } catch (error) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: replyForError(deps.logger, error, `scope ${kind} button`),
        });
      }
    };

  app.action<BlockAction<ButtonAction>>(SCOPE.addItemAction, openModal('item'));
  app.action<BlockAction<ButtonAction>>(SCOPE.addStageAction, openModal('stage'));

  app.action<BlockAction<ButtonAction>>(
    SCOPE.submitAction,
    perRequest(deps, async ({ ack, body, action, respond, context }, deps) => {
      let acked = false;
      const committed = async () => {
        acked = true;
        await ack();
      };
      const target = {
        teamId: context.teamId ?? body.team?.id ?? '',
        userId: body.user.id,
        slug: action.value,
      };
      try {
        const notice = await submitAndNotify(deps, target, committed);
        const overview = await viewScope(deps.services.deps, target);
        await respond({
          response_type: 'ephemeral',
          replace_original: true,
          ...scopeOverview(overview, notice.text),
        });
      } catch (error) {
        if (!acked) await ack();
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: replyForError(deps.logger, error, 'scope submit button'),
        });
      }
    }),
  );
}
