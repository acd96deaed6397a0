import type { KnownBlock } from '@slack/types';
import { CHARTER, CHARTER_VERSION } from '../../domain/charter.js';
import type { ScopeItemFacts, StageCheckpointFacts } from '../../domain/engagement.js';
import { engagementLabel } from '../../domain/engagement.js';
import { joinAnd } from '../../domain/text.js';
import { ACTIVATION } from '../ids.js';
import {
  context,
  esc,
  header,
  type Rendered,
  SECTION_TEXT_MAX,
  section,
  truncate,
} from './text.js';

/** Room left for sections after the fixed blocks of a message (Slack allows 50 blocks). */
const MAX_ENTRY_SECTIONS = 40;

/** Packs entries into as few sections as fit Slack's text limit, at most `maxSections`. */
export function packSections(
  entries: readonly string[],
  maxSections = MAX_ENTRY_SECTIONS,
): string[] {
  const packed: string[] = [];
  for (const entry of entries) {
    const last = packed.at(-1);
    if (last !== undefined && last.length + entry.length + 2 <= SECTION_TEXT_MAX) {
      packed[packed.length - 1] = `${last}\n\n${entry}`;
    } else {
      packed.push(truncate(entry, SECTION_TEXT_MAX));
    }
  }
  if (packed.length <= maxSections) return packed;
  const kept = packed.slice(0, maxSections - 1);
  kept.push(`…and more. \`/amos status\` shows everything.`);
  return kept;
}

export interface RequirementsView {
  readonly slug: string;
  readonly name: string;
  readonly client: string;
  readonly partnerName: string;
  readonly requirementsRef?: string;
  readonly scopeItems: readonly ScopeItemFacts[];
  readonly stages: readonly StageCheckpointFacts[];
}

function scopeEntry(item: ScopeItemFacts): string {
  const criteria = item.criteria
    .filter((c) => c.trim().length > 0)
    .map((c) => `• ${esc(c.trim())}`);
  return [
    `*${item.ref} · ${esc(item.title)}*  (due ${item.dueDate ?? 'not set'})`,
    'Acceptance criteria:',
    ...criteria,
  ].join('\n');
}

/** The approved execution requirements, posted and pinned in the partner channel at activation. */
export function requirementsMessage(view: RequirementsView): Rendered {
  const name = engagementLabel(view.slug);
  const ref = view.requirementsRef ? ` (${view.requirementsRef})` : '';
  const stages = view.stages.map(
    (s) => `• *${s.ref} · ${esc(s.name)}*: ${s.dueDate ?? 'date not set'}`,
  );
  const scope = packSections(view.scopeItems.map(scopeEntry));
  return {
    text: `Approved execution requirements${ref} for ${name}: ${view.scopeItems.length} scope items, ${view.stages.length} stage checkpoints.`,
    blocks: [
      header(`Approved execution requirements · ${name}`),
      section(
        `*${esc(view.name)}* for ${esc(view.client)}${ref}. ${esc(view.partnerName)} delivers exactly this scope, to these acceptance criteria and dates. Anything new or different needs an approved change request first.`,
        ACTIVATION.requirementsBlock,
      ),
      { type: 'divider' },
      ...scope.map((text) => section(text)),
      { type: 'divider' },
      section(
        truncate(
          `*Stage checkpoints* (each is reviewed and approved before work moves on)\n${stages.join('\n') || '• none'}`,
          SECTION_TEXT_MAX,
        ),
      ),
    ],
  };
}

/** The engagement charter (Partners Do / Do Not, governance expectations, risk controls). */
export function charterMessage(slug: string, partnerName: string): Rendered {
  const name = engagementLabel(slug);
  return {
    text: `Engagement charter for ${name}: what ${esc(partnerName)} does and does not do, and how the work is governed.`,
    blocks: [
      header(`Engagement charter · ${name}`),
      section(
        `How ${esc(partnerName)} works on ${name}. Decisions, priorities and scoring stay with the client's executives; partners execute against them.`,
        ACTIVATION.charterBlock,
      ),
      ...CHARTER.map((part) =>
        section(
          `*${part.heading}*\n${part.items.map((i) => `• *${i.title}*: ${i.description}`).join('\n')}`,
        ),
      ),
      context(`Charter version ${CHARTER_VERSION}.`),
    ],
  };
}

export interface AckProgress {
  readonly engagementId: string;
  readonly slug: string;
  readonly memberIds: readonly string[];
  readonly acks: readonly { readonly userId: string; readonly ackedAt: Date }[];
}

/** The request to acknowledge the charter, with who has and who has not yet; updated in place. */
export function charterAckMessage(progress: AckProgress): Rendered {
  const name = engagementLabel(progress.slug);
  const acked = new Set(progress.acks.map((a) => a.userId));
  const waiting = progress.memberIds.filter((id) => !acked.has(id));
  const mention = (id: string) => `<@${id}>`;
  const ask =
    progress.memberIds.length > 0
      ? `${joinAnd(progress.memberIds.map(mention))}: please read the pinned requirements and charter, then acknowledge the charter. Until you do, AMOS won't accept your deliverables, stage outcomes, risks or change requests on ${name}.`
      : `The partner organisation has no members yet. Members added later acknowledge here before acting on ${name}.`;
  const done = progress.acks.map(
    (a) => `${mention(a.userId)} (${a.ackedAt.toISOString().slice(0, 10)})`,
  );
  const status = [
    done.length > 0 ? `*Acknowledged:* ${done.join(', ')}` : '*Acknowledged:* nobody yet',
    waiting.length > 0
      ? `*Waiting for:* ${waiting.map(mention).join(', ')}`
      : progress.memberIds.length > 0
        ? 'Every partner member has acknowledged.'
        : '',
  ].filter(Boolean);
  return {
    text: `Acknowledge the engagement charter for ${name}.`,
    blocks: [
      section(truncate(ask, SECTION_TEXT_MAX)),
      {
        type: 'actions',
        block_id: ACTIVATION.charterAckBlock,
        elements: [
          {
            type: 'button',
            action_id: ACTIVATION.charterAckAction,
            text: { type: 'plain_text', text: 'I acknowledge the charter' },
            style: 'primary',
            value: progress.engagementId,
          },
        ],
      },
      context(truncate(status.join('\n'), 3000)),
    ] satisfies KnownBlock[],
  };
}

/** The clicker's ephemeral confirmation. */
export function charterAckConfirmation(slug: string, firstTime: boolean): string {
  const name = engagementLabel(slug);
  return firstTime
    ? `Thanks: your acknowledgement of the ${name} charter is recorded in the decision record. You can now act on ${name}.`
    : `You had already acknowledged the ${name} charter; nothing changed.`;
}

export interface ActivationSummary {
  readonly slug: string;
  readonly partnerName: string;
  readonly channelId: string;
  readonly memberIds: readonly string[];
  /** One line per Slack step that failed. */
  readonly problems: readonly string[];
}

/** The activating executive's reply: what happened, and what did not. */
export function activationReply(summary: ActivationSummary): string {
  const name = engagementLabel(summary.slug);
  const members =
    summary.memberIds.length > 0
      ? `${esc(summary.partnerName)}'s members (${joinAnd(summary.memberIds.map((id) => `<@${id}>`))}) are being invited to <#${summary.channelId}>`
      : `${esc(summary.partnerName)} has no members yet, so nobody is invited to <#${summary.channelId}> (add them with \`/amos partner\`)`;
  const lines = [
    `:white_check_mark: *${name} is active.* ${members}; the approved requirements and the charter are posted and pinned there, and each partner member is asked to acknowledge the charter. If Slack refuses a step, you and the operator get a DM saying what to do.`,
  ];
  if (summary.problems.length > 0) {
    lines[0] = `:white_check_mark: *${name} is active*, but Slack refused ${summary.problems.length === 1 ? 'one step' : `${summary.problems.length} steps`} of the set-up:`;
    lines.push(...summary.problems.map((p) => `• ${p}`));
    lines.push(
      'You and the operator have a DM saying what to do; each failure is in the decision record.',
    );
  }
  return lines.join('\n');
}
