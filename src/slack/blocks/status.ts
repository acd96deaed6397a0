import type { KnownBlock } from '@slack/types';
import { engagementLabel, STAGE_LABELS, type Stage } from '../../domain/engagement.js';
import { describeRoles } from '../../domain/roles.js';
import type {
  EngagementListItem,
  EngagementStatus,
} from '../../services/engagement-status-service.js';
import { context, esc, header, type Rendered, section } from './text.js';

const LIST_MAX = 40;

/** `/amos status <slug>`: the stage, what blocks the next gate, who must act, and the next step. */
export function statusMessage(status: EngagementStatus): Rendered {
  const { engagement, next } = status;
  const name = engagementLabel(engagement.slug);
  const stage = STAGE_LABELS[next.stage];
  const facts = [
    `*Stage:* ${stage}`,
    `*Client:* ${esc(engagement.client)}`,
    `*Diagnostic:* ${status.diagnostic ? `${status.diagnostic.ref} v${status.diagnostic.version}` : 'not submitted yet'}`,
    `*Partner:* ${status.partnerOrgName ? esc(status.partnerOrgName) : 'not set'} · *Channel:* ${engagement.partner_channel_id ? `<#${engagement.partner_channel_id}>` : 'not linked'}`,
    ...haltLine(engagement),
  ];
  const blockers =
    next.blockers.length > 0
      ? `*Blocking the next gate, it still needs:*\n${next.blockers.map((b) => `• ${esc(b)}`).join('\n')}`
      : '*Blocking the next gate:* nothing.';
  const roles = next.whoMustAct.length > 0 ? describeRoles(next.whoMustAct) : 'nobody';
  const people = status.actorIds.map((id) => `<@${id}>`).join(', ');
  const who = `*Who must act:* ${roles}${people ? ` (${people})` : ''}`;
  const blocks: KnownBlock[] = [
    header(`${name} · ${engagement.name}`.slice(0, 150)),
    section(facts.join('\n')),
    section(blockers),
    section(`${who}\n*Next:* ${next.next}`),
    ...deliveryBlocks(status),
  ];
  return {
    text: `${name} is ${stage}. ${next.blockers.length > 0 ? `It still needs ${esc(next.blockers.join('; '))}. ` : ''}Next: ${next.next}`,
    blocks,
  };
}

/** `/amos status` with no engagement: the workspace's engagements (a partner sees their own). */
export function engagementListMessage(
  engagements: readonly EngagementListItem[],
  partnerView: boolean,
  total: number = engagements.length,
): Rendered {
  if (engagements.length === 0) {
    const text = partnerView
      ? 'Your organisation is not on any engagement yet.'
      : 'There are no engagements in this workspace yet. An operator creates one with `/amos new`.';
    return { text, blocks: [section(text)] };
  }
  const shown = engagements.slice(0, LIST_MAX);
  const lines = shown.map(
    (e) => `• \`${e.slug}\` ${esc(e.name)} — *${STAGE_LABELS[e.stage as Stage] ?? e.stage}*`,
  );
  const more = total > shown.length ? `\n…and ${total - shown.length} more.` : '';
  const title = partnerView ? 'Your engagements' : 'Engagements';
  return {
    text: `${title}: ${shown.map((e) => `${e.slug} (${STAGE_LABELS[e.stage] ?? e.stage})`).join(', ')}`,
    blocks: [
      header(title),
      section(`${lines.join('\n')}${more}`),
      context('`/amos status <slug>` shows what blocks the next gate and who must act.'),
    ],
  };
}

/** Open change requests, deliverables waiting for review and the next stage review. */
function deliveryBlocks(status: EngagementStatus): KnownBlock[] {
  const d = status.delivery;
  if (!d || !['active', 'paused'].includes(status.engagement.stage)) return [];
  const slug = status.engagement.slug;
  const changes = d.openChanges.map(
    (c) => `• *${c.ref}* (${c.type}) ${esc(c.description)} · \`/amos approve ${slug} ${c.ref}\``,
  );
  const deliverables = d.waitingDeliverables.map(
    (w) =>
      `• *${w.ref}* for ${w.scopeRef}${w.version > 1 ? ` (version ${w.version})` : ''} · \`/amos deliver ${slug} review ${w.ref}\``,
  );
  const stage = d.nextStage
    ? `*Next stage review:* ${d.nextStage.ref} ${esc(d.nextStage.name)}${d.nextStage.dueDate ? ` · ${d.nextStage.dueDate}` : ''}${d.nextStage.review ? ` · ${d.nextStage.review.ref} ${d.nextStage.review.status}` : ''}`
    : '*Next stage review:* none planned.';
  const lines = [
    `*Open change requests:* ${changes.length === 0 ? 'none.' : `\n${changes.slice(0, 10).join('\n')}`}`,
    `*Deliverables waiting for review:* ${deliverables.length === 0 ? 'none.' : `\n${deliverables.slice(0, 10).join('\n')}`}`,
    stage,
  ];
  return [section(lines.join('\n'))];
}

/** Who paused or terminated the engagement and why, while it is paused or terminated. */
function haltLine(e: EngagementStatus['engagement']): string[] {
  if (!e.halt_reason || !e.halted_by || !['paused', 'terminated'].includes(e.stage)) return [];
  const verb = e.stage === 'paused' ? 'Paused' : 'Terminated';
  return [`*${verb}* by <@${e.halted_by}>: “${esc(e.halt_reason)}”`];
}
