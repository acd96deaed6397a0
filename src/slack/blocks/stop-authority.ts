import type { Button, KnownBlock, ModalView } from '@slack/types';
import { engagementLabel, STAGE_LABELS, type Stage } from '../../domain/engagement.js';
import { formatDuration } from '../../domain/governance.js';
import { REASON_MAX } from '../../domain/text.js';
import type { ClosingSummary } from '../../services/closing-summary-service.js';
import type { StopOutcome } from '../../services/stop-authority-service.js';
import { STOP } from '../ids.js';
import { slackDate } from './dates.js';
import { context, esc, header, type Rendered, section } from './text.js';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The executive-only Pause button (escalation DMs): pressing it opens the reason modal. */
export function pauseButton(engagementId: string): Button {
  return {
    type: 'button',
    action_id: STOP.pauseEngagement,
    value: engagementId,
    style: 'danger',
    text: plain('Pause engagement'),
  };
}

/** The modal asking why the engagement is paused; the engagement id rides as private_metadata. */
export function pauseModal(engagement: { id: string; slug: string; name: string }): ModalView {
  return {
    type: 'modal',
    callback_id: STOP.pauseModal,
    private_metadata: engagement.id,
    title: plain('Pause engagement'),
    submit: plain('Pause'),
    close: plain('Cancel'),
    blocks: [
      section(
        `Pausing *${engagementLabel(engagement.slug)}* (${esc(engagement.name)}) freezes partner work: partners are removed from the partner channel (or warned), their actions are refused with your reason, and partner reminders wait. An executive resumes it with \`/amos resume ${engagement.slug}\`.`,
      ),
      {
        type: 'input',
        block_id: STOP.reasonBlock,
        label: plain('Reason'),
        hint: plain(
          `Partners are shown this reason, and it is recorded. At most ${REASON_MAX} characters.`,
        ),
        element: {
          type: 'plain_text_input',
          action_id: STOP.inputAction,
          multiline: true,
          max_length: REASON_MAX,
          placeholder: plain('e.g. Controls breached: work started outside the approved scope.'),
        },
      },
    ],
  };
}

/** What the executive is told once the pause, resume or termination committed. */
export function stopReply(outcome: StopOutcome): string {
  const name = `*${engagementLabel(outcome.engagement.slug)}*`;
  const slug = outcome.engagement.slug;
  const why = outcome.reason ? `: “${esc(outcome.reason)}”` : '';
  const channel = outcome.engagement.partnerChannelId
    ? `<#${outcome.engagement.partnerChannelId}>`
    : 'the partner channel';
  switch (outcome.action) {
    case 'pause':
      return `:double_vertical_bar: ${name} is paused${why}. Partners are taken out of ${channel} (or warned, in warn mode), every partner action is refused with this reason, and partner reminders wait. Resume it with \`/amos resume ${slug}\`. Recorded in the decision record.`;
    case 'resume':
      return `:arrow_forward: ${name} is active again. Partners are invited back to ${channel} and may act again; held reminders go out. Recorded in the decision record.`;
    case 'terminate': {
      const withdrawn =
        outcome.withdrawn.length > 0
          ? ` Withdrawn, with every copy updated: ${outcome.withdrawn.map((r) => `*${r}*`).join(', ')}.`
          : '';
      return `:octagonal_sign: ${name} is terminated${why}. This is final: partners are removed from ${channel}, the final summary of the decision record is posted there and the channel archived.${withdrawn}`;
    }
  }
}

const VERBS = { pause: 'paused', resume: 'resumed', terminate: 'terminated' } as const;

/** DM to the sponsors and the operator (not the executive who acted) after a stop decision. */
export function stopNotice(outcome: StopOutcome): Rendered {
  const name = engagementLabel(outcome.engagement.slug);
  const why = outcome.reason ? `: “${esc(outcome.reason)}”` : '.';
  const then =
    outcome.action === 'pause'
      ? ' Partner work is frozen until an executive resumes it.'
      : outcome.action === 'resume'
        ? ' Partners may act again.'
        : ' This is final.';
  const text = `:information_source: <@${outcome.actorId}> ${VERBS[outcome.action]} *${name}* (${esc(outcome.engagement.name)})${why}${then} \`/amos status ${outcome.engagement.slug}\` shows where it stands.`;
  return { text, blocks: [section(text)] };
}

/** DM to a partner removed from the partner channel because the engagement was terminated. */
export function partnerTerminatedNotice(slug: string, channelId: string, reason: string): string {
  return `:octagonal_sign: ${engagementLabel(slug)} was terminated: “${esc(reason)}”. You were removed from <#${channelId}>, which is archived; no further partner work is accepted. This is recorded in the engagement’s decision record.`;
}

const TRANSITIONS_SHOWN = 20;

/** The final summary of the decision record, posted to the partner channel before it is archived. */
export function finalSummaryMessage(s: ClosingSummary): Rendered {
  const name = engagementLabel(s.slug);
  const by = s.terminatedBy ? ` by <@${s.terminatedBy}>` : '';
  const when = s.terminatedAt ? ` on ${slackDate(s.terminatedAt)}` : '';
  const opening = `:octagonal_sign: *${name}* (${esc(s.name)}, ${esc(s.client)}) was terminated${by}${when}: “${esc(s.reason)}”. Partner work has ended; this channel is archived after this message.`;
  const path = s.transitions
    .slice(-TRANSITIONS_SHOWN)
    .map(
      (t) =>
        `• ${slackDate(t.at)}: ${STAGE_LABELS[t.from] ?? esc(t.from)} → ${STAGE_LABELS[t.to] ?? esc(t.to)}`,
    );
  const gates = (Object.entries(s.gateTimes) as [Stage, number][])
    .filter(([stage]) => stage !== 'terminated')
    .map(([stage, ms]) => `${STAGE_LABELS[stage] ?? esc(stage)} ${formatDuration(ms)}`);
  const f = s.figures;
  const figures = [
    `*Change requests:* ${f.changesApproved} approved, ${f.changesRejected} rejected`,
    `*Deliverables:* ${f.deliverablesAccepted} accepted, ${f.deliverablesReturned} returned`,
    `*Approvals withdrawn:* ${s.withdrawn.length > 0 ? s.withdrawn.map((r) => esc(r)).join(', ') : 'none'}`,
  ];
  const blocks: KnownBlock[] = [
    header(`Final record: ${s.slug}`),
    section(opening),
    section(`*Path through the gates:*\n${path.length > 0 ? path.join('\n') : '• none recorded'}`),
    section(
      `*Time at each gate:* ${gates.length > 0 ? gates.join(' · ') : 'none recorded'}\n${figures.join('\n')}`,
    ),
    context(
      `Decision record: ${s.recordCount} records, head \`${(s.headHash ?? '').slice(0, 16)}\`. Verify it with \`npx amos verify-log --engagement ${s.slug}\`; export it with \`/amos export ${s.slug}\`.`,
    ),
  ];
  return {
    text: `${name} was terminated: ${esc(s.reason)}. Final record: ${s.recordCount} decision records.`,
    blocks,
  };
}
