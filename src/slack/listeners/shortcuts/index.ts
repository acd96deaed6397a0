import { randomUUID } from 'node:crypto';
import type { App, MessageShortcut } from '@slack/bolt';
import { raiseForm } from '../../../services/escalation-service.js';
import { riskModal } from '../../blocks/risk.js';
import type { SlackDeps } from '../../context.js';
import { RISK } from '../../ids.js';
import { parseRiskShortcut } from '../../inputs/risk.js';
import { replyForError } from '../../refusals.js';
import { postToResponseUrl } from '../../response-url.js';

/**
 * "Raise AMOS risk" on a message: the risk modal prefilled with the message's text and a
 * permalink to it (built from the payload, no Web API call). In a partner channel the modal is
 * for that engagement; elsewhere it asks which. Someone who may not raise a risk there is told
 * why instead.
 */
export function registerShortcuts(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(
    { callback_id: RISK.shortcut, type: 'message_action' },
    async ({ ack, body, client, context }) => {
      await ack();
      const teamId = context.teamId ?? body.team?.id ?? '';
      let responseUrl: string | undefined;
      try {
        const shortcut = parseRiskShortcut(body);
        responseUrl = shortcut.responseUrl;
        let slug: string | undefined;
        try {
          const form = await raiseForm(deps.services.deps, {
            teamId,
            userId: body.user.id,
            channelId: shortcut.channelId,
          });
          slug = form.engagement.slug;
        } catch (error) {
          // Not a partner channel: the modal asks which engagement. Any other refusal stands.
          const code = (error as { refusal?: { code?: string } }).refusal?.code;
          if (code !== 'not_found') throw error;
        }
        await client.views.open({
          trigger_id: body.trigger_id,
          view: riskModal(
            {
              formId: randomUUID(),
              ...(slug ? { slug } : {}),
              ...(responseUrl ? { responseUrl } : {}),
              ...(shortcut.permalink ? { messageLink: shortcut.permalink } : {}),
            },
            { title: shortcut.title, description: shortcut.text },
          ),
        });
      } catch (error) {
        const text = replyForError(deps.logger, error, 'raise risk shortcut');
        await postToResponseUrl(responseUrl, { response_type: 'ephemeral', text }, deps.logger);
      }
    },
  );
}
