import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { RiskMove } from '../../../domain/risk.js';
import { actOnEscalationById } from '../../../services/escalation-service.js';
import { moveRiskById } from '../../../services/risk-service.js';
import type { SlackDeps } from '../../context.js';
import { RISK } from '../../ids.js';
import { replyForError } from '../../refusals.js';
import { perRequest } from '../../request-identity.js';
import type { ListenerRoutes } from '../routes.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * One button: the change is committed before Slack is told the click was received; every copy
 * then shows the new state (a job renders them). A refusal (off the path, the wrong role,
 * already done) is said to the person who clicked only.
 */
function button(
  deps: SlackDeps,
  where: string,
  act: (deps: SlackDeps, teamId: string, userId: string, value: string) => Promise<string>,
) {
  return perRequest(deps, async ({ ack, body, action, respond, context }: Args, deps) => {
    const teamId = context.teamId ?? body.team?.id ?? '';
    let text: string;
    try {
      text = await act(deps, teamId, body.user.id, action.value ?? '');
    } catch (error) {
      await ack();
      if (body.response_url) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: replyForError(deps.logger, error, where),
        });
      }
      return;
    }
    await ack();
    if (body.response_url && body.container?.type !== 'message') {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    }
  });
}

const RISK_BUTTONS: readonly [string, RiskMove][] = [
  [RISK.riskAckAction, 'ack'],
  [RISK.riskMitigatedAction, 'mitigated'],
  [RISK.riskClosedAction, 'closed'],
];

/** Acknowledge / Resolve on escalation DMs and App Home; the owner's moves on risk DMs. */
export function registerRiskActions(app: ListenerRoutes, deps: SlackDeps): void {
  for (const [actionId, action] of [
    [RISK.acknowledgeAction, 'acknowledge'],
    [RISK.resolveAction, 'resolve'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(
      actionId,
      button(deps, `escalation ${action} button`, async (deps, teamId, userId, value) => {
        const acted = await actOnEscalationById(deps.services.deps, {
          teamId,
          userId,
          escalationId: value,
          action,
        });
        return `Escalation *${acted.ref}* ${acted.state}.`;
      }),
    );
  }
  for (const [actionId, move] of RISK_BUTTONS) {
    app.action<BlockAction<ButtonAction>>(
      actionId,
      button(deps, `risk ${move} button`, async (deps, teamId, userId, value) => {
        const moved = await moveRiskById(deps.services.deps, {
          teamId,
          userId,
          riskId: value,
          move,
        });
        return `Risk *${moved.ref}* is now ${moved.state}.`;
      }),
    );
  }
}
