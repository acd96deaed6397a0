import type { KnownBlock, View } from '@slack/types';
import { ESCALATION_CATEGORIES, ESCALATION_LIMITS } from '../../domain/escalation.js';
import { RISK_CATEGORIES, RISK_LIMITS, type RiskState, SEVERITIES } from '../../domain/risk.js';
import type {
  EscalationView,
  GovernanceWaiting,
  RiskView,
} from '../../services/governance-view-service.js';
import { RISK, STOP } from '../ids.js';
import { slackDate } from './dates.js';
import { context, esc, header, type Rendered, section, truncate } from './text.js';

// Pure builders for risks and escalations: the two modals, the DMs with their buttons (rendered
// again from the latest state for every copy), and the App Home section of what waits on someone.

export interface RiskModalMetadata {
  /** Unknown when the shortcut was used outside a partner channel: the modal asks for it. */
  readonly slug?: string;
  readonly responseUrl?: string;
  /** The modal's own id, so a double submission raises one risk. */
  readonly formId: string;
  readonly messageLink?: string;
}

const plain = (text: string, max = 75) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
});
const option = (value: string) => ({
  text: plain(value[0]?.toUpperCase() + value.slice(1)),
  value,
});
const who = (userId: string) => `<@${userId}>`;

function input(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  o: { optional?: boolean; hint?: string } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    ...(o.optional ? { optional: true } : {}),
    ...(o.hint ? { hint: plain(o.hint, 150) } : {}),
    element: { action_id: RISK.inputAction, ...element },
  } as KnownBlock;
}

const textInput = (max: number, o: { multiline?: boolean; initial?: string } = {}) => ({
  type: 'plain_text_input',
  max_length: max,
  ...(o.multiline ? { multiline: true } : {}),
  // initial_value is plain text: shown as typed, never parsed, so no escaping here. Cut to
  // max_length without leaving half of a surrogate pair (malformed text Slack refuses).
  ...(o.initial ? { initial_value: o.initial.slice(0, max).replace(/[\uD800-\uDBFF]$/, '') } : {}),
});

const select = (values: readonly string[]) => ({
  type: 'static_select',
  options: values.map(option),
});

/** The block asking which engagement, when the modal could not tell (a shortcut elsewhere). */
export const ENGAGEMENT_BLOCK = 'risk_engagement';

function modal(
  callbackId: string,
  title: string,
  metadata: RiskModalMetadata,
  blocks: KnownBlock[],
): View {
  const where = metadata.slug
    ? context(`For *${esc(metadata.slug.toUpperCase())}*.`)
    : input(ENGAGEMENT_BLOCK, 'Engagement (its slug)', textInput(40), {
        hint: 'The short name given at creation, e.g. acme-q3.',
      });
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, 24),
    submit: plain('Raise'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks: [where, ...blocks],
  };
}

/**
 * `/amos risk` and the "Raise AMOS risk" message shortcut: title, category, severity,
 * description, proposed mitigation; from a message, prefilled with its text and linking to it.
 */
export function riskModal(
  metadata: RiskModalMetadata,
  prefill: { title?: string; description?: string } = {},
): View {
  const b = RISK.risk;
  const blocks: KnownBlock[] = [
    input(b.title, 'Title', textInput(RISK_LIMITS.title, { initial: prefill.title ?? '' })),
    input(b.category, 'Category', select(RISK_CATEGORIES)),
    input(b.severity, 'Severity', select(SEVERITIES), {
      hint: 'High and critical risks open an escalation at once.',
    }),
    input(
      b.description,
      'Description',
      textInput(RISK_LIMITS.text, { multiline: true, initial: prefill.description ?? '' }),
    ),
    input(b.mitigation, 'Proposed mitigation', textInput(RISK_LIMITS.text, { multiline: true }), {
      optional: true,
    }),
  ];
  if (metadata.messageLink) {
    // A bare URL: Slack links it; the link was built by us, never typed.
    blocks.push(context(`Raised from the message ${metadata.messageLink}`));
  }
  return modal(RISK.modal, 'Raise a risk', metadata, blocks);
}

/** `/amos escalate`: category, severity, what is needed, by when. */
export function escalationModal(metadata: RiskModalMetadata): View {
  const b = RISK.escalation;
  return modal(RISK.escalationModal, 'Escalate', metadata, [
    input(b.category, 'Category', select(ESCALATION_CATEGORIES)),
    input(b.severity, 'Severity', select(SEVERITIES), {
      hint: 'Sets how long each level has to acknowledge before it moves up.',
    }),
    input(b.needed, 'What is needed', textInput(ESCALATION_LIMITS.text, { multiline: true })),
    input(b.byWhen, 'By when', { type: 'datepicker' }, { optional: true }),
  ]);
}

const SEVERITY_ICON = {
  low: ':white_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
} as const;

const RISK_BUTTONS: readonly { state: RiskState[]; action: string; text: string }[] = [
  { state: ['open'], action: RISK.riskAckAction, text: 'Acknowledge' },
  { state: ['open', 'acknowledged'], action: RISK.riskMitigatedAction, text: 'Mark mitigated' },
  { state: ['open', 'acknowledged', 'mitigated'], action: RISK.riskClosedAction, text: 'Close' },
];

/** A risk's DM to the internal audience, with the owner's buttons while it is not closed. */
export function riskMessage(view: RiskView): Rendered {
  const slug = esc(view.engagement.slug.toUpperCase());
  const title = esc(view.title);
  const text = `Risk ${view.ref} (${view.severity}) on ${slug}: ${title}`;
  const blocks: KnownBlock[] = [
    section(
      `${SEVERITY_ICON[view.severity]} *Risk ${view.ref}* on *${slug}* · ${view.severity} · ${view.category}\n*${title}*`,
    ),
    section(`*Description*\n${esc(view.description)}`),
  ];
  if (view.mitigation) blocks.push(section(`*Proposed mitigation*\n${esc(view.mitigation)}`));
  const facts = [
    `Raised by ${who(view.raisedBy)} (${slackDate(view.raisedAt)})`,
    `owner ${who(view.ownerId)}`,
  ];
  if (view.messageLink) facts.push(`from the message ${view.messageLink}`);
  if (view.escalationRef) facts.push(`escalation ${view.escalationRef} opened`);
  blocks.push(context(facts.join(' · ')));
  if (view.state !== 'open' && view.updatedBy) {
    blocks.push(
      section(
        `*${view.state[0]?.toUpperCase()}${view.state.slice(1)}* by ${who(view.updatedBy)} (${slackDate(view.updatedAt)}).`,
      ),
    );
  }
  const buttons = RISK_BUTTONS.filter((b) => b.state.includes(view.state)).map((b) => ({
    type: 'button' as const,
    action_id: b.action,
    text: plain(b.text),
    value: view.id,
  }));
  if (buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: RISK.riskActionsBlock, elements: buttons });
  }
  return { text, blocks };
}

/**
 * An escalation's DM: what is needed, the level and its SLA, and while open the Acknowledge and
 * Resolve buttons (plus Pause engagement for an executive); once someone acted, who and when.
 */
export function escalationMessage(view: EscalationView, recipientId: string | null): Rendered {
  const slug = esc(view.engagement.slug.toUpperCase());
  const needed = esc(view.needed);
  const text = `Escalation ${view.ref} (${view.severity}) on ${slug}: ${truncate(needed, 200)}`;
  const blocks: KnownBlock[] = [
    header(`Escalation ${view.ref} · ${view.severity}`),
    section(
      `${SEVERITY_ICON[view.severity]} *${slug}* · ${view.category}${view.riskRef ? ` · risk ${view.riskRef}` : ''} · level ${view.level}\n*What is needed*\n${needed}`,
    ),
    context(
      [
        `Raised by ${who(view.raisedBy)} (${slackDate(view.raisedAt)})`,
        view.byWhen ? `needed by ${esc(view.byWhen)}` : undefined,
        view.state === 'open'
          ? `moves up if not acknowledged by ${slackDate(view.dueAt)}`
          : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  ];
  if (view.state !== 'open' && view.actedBy && view.actedAt) {
    const icon = view.state === 'resolved' ? ':white_check_mark:' : ':eyes:';
    blocks.push(
      section(
        `${icon} *${view.state === 'resolved' ? 'Resolved' : 'Acknowledged'}* by ${who(view.actedBy)} (${slackDate(view.actedAt)}).`,
      ),
    );
  }
  const elements: Record<string, unknown>[] = [];
  // Its raiser may not acknowledge it (someone else on the path does); they may resolve it.
  if (view.state === 'open' && recipientId !== view.raisedBy) {
    elements.push({
      type: 'button',
      action_id: RISK.acknowledgeAction,
      text: plain('Acknowledge'),
      style: 'primary',
      value: view.id,
    });
  }
  if (view.state !== 'resolved') {
    elements.push({
      type: 'button',
      action_id: RISK.resolveAction,
      text: plain('Resolve'),
      value: view.id,
    });
    if (recipientId && view.pausers.includes(recipientId)) {
      elements.push({
        type: 'button',
        action_id: STOP.pauseEngagement,
        text: plain('Pause engagement'),
        style: 'danger',
        value: view.engagement.id,
      });
    }
  }
  if (elements.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: RISK.escalationActionsBlock,
      elements,
    } as unknown as KnownBlock);
  }
  return { text, blocks };
}

/** App Home: the open escalations sent to this person and the open risks they may move, with buttons. */
export function governanceHomeBlocks(waiting: GovernanceWaiting | undefined): KnownBlock[] {
  if (!waiting || (waiting.escalations.length === 0 && waiting.risks.length === 0)) return [];
  const blocks: KnownBlock[] = [header('Open risks and escalations waiting on you')];
  for (const e of waiting.escalations.slice(0, 10)) {
    blocks.push(
      section(
        `${SEVERITY_ICON[e.severity]} *${e.ref}* · \`${esc(e.slug)}\` · ${e.severity} · level ${e.level}: ${esc(truncate(e.needed, 300))}\nMoves up if not acknowledged by ${slackDate(e.dueAt)}.`,
      ),
      {
        type: 'actions',
        block_id: `${RISK.escalationActionsBlock}:${e.id}`,
        elements: [
          ...(e.mayAcknowledge
            ? [
                {
                  type: 'button',
                  action_id: RISK.acknowledgeAction,
                  text: plain('Acknowledge'),
                  value: e.id,
                },
              ]
            : []),
          { type: 'button', action_id: RISK.resolveAction, text: plain('Resolve'), value: e.id },
          ...(e.mayPause
            ? [
                {
                  type: 'button',
                  action_id: STOP.pauseEngagement,
                  text: plain('Pause engagement'),
                  style: 'danger',
                  value: e.engagementId,
                },
              ]
            : []),
        ],
      } as KnownBlock,
    );
  }
  for (const r of waiting.risks.slice(0, 10)) {
    blocks.push(
      section(
        `${SEVERITY_ICON[r.severity]} *${r.ref}* · \`${esc(r.slug)}\` · ${r.severity} · ${r.state}: ${esc(r.title)}`,
      ),
      {
        type: 'actions',
        block_id: `${RISK.riskActionsBlock}:${r.id}`,
        elements: RISK_BUTTONS.filter((b) => b.state.includes(r.state)).map((b) => ({
          type: 'button',
          action_id: b.action,
          text: plain(b.text),
          value: r.id,
        })),
      } as KnownBlock,
    );
  }
  return blocks;
}

/** `/amos status` lines: the engagement's open risks and escalations. */
export function riskStatusLines(items: {
  risks: readonly { ref: string; severity: string; state: string; title: string }[];
  escalations: readonly { ref: string; severity: string; state: string; level: number }[];
}): string | undefined {
  const lines = [
    ...items.risks.map(
      (r) => `• *${r.ref}* ${r.severity} · ${r.state}: ${esc(truncate(r.title, 150))}`,
    ),
    ...items.escalations.map(
      (e) => `• *${e.ref}* ${e.severity} escalation · ${e.state} · level ${e.level}`,
    ),
  ];
  return lines.length > 0
    ? `*Open risks and escalations*\n${lines.slice(0, 20).join('\n')}`
    : undefined;
}
