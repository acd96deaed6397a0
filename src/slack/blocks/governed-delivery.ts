import type { KnownBlock, View } from '@slack/types';
import { CHANGE_LIMITS, CHANGE_TYPES } from '../../domain/change-request.js';
import { DELIVERABLE_LIMITS } from '../../domain/deliverable.js';
import { SCOPE_LIMITS } from '../../domain/scope.js';
import type { ScopeVersion } from '../../domain/scope-version.js';
import { DELIVERY } from '../ids.js';
import { context, esc, header, type Rendered, section, truncate } from './text.js';

// Pure builders for change requests, deliverables and their review, and scope versions.

export interface DeliveryModalMetadata {
  readonly slug: string;
  readonly responseUrl?: string;
  /** The review modal: the deliverable and the version shown. */
  readonly ref?: string;
  readonly version?: number;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 75) });
const option = (text: string, value: string) => ({ text: plain(text), value });

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
    ...(o.hint ? { hint: { type: 'plain_text', text: o.hint } } : {}),
    element: { action_id: DELIVERY.inputAction, ...element },
  } as KnownBlock;
}

const textInput = (max: number, multiline = false) => ({
  type: 'plain_text_input',
  max_length: max,
  ...(multiline ? { multiline: true } : {}),
});

function modal(
  callbackId: string,
  title: string,
  submit: string,
  metadata: DeliveryModalMetadata,
  blocks: KnownBlock[],
): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title.slice(0, 24)),
    submit: plain(submit),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

const itemLabel = (i: { ref: string; title: string }) => `${i.ref} · ${i.title}`;

/** `/amos change`: type, description, impact, rationale; for scope, one item to add and one to amend. */
export function changeRequestModal(metadata: DeliveryModalMetadata, scope: ScopeVersion): View {
  const b = DELIVERY.change;
  const blocks: KnownBlock[] = [
    context(
      `For *${metadata.slug.toUpperCase()}*, against scope version ${scope.version}. Executives who did not raise it decide; nothing changes until they approve.`,
    ),
    input(b.type, 'What changes', {
      type: 'static_select',
      options: CHANGE_TYPES.map((t) => option(t[0]?.toUpperCase() + t.slice(1), t)),
    }),
    input(b.description, 'Description', textInput(CHANGE_LIMITS.text, true)),
    input(b.impact, 'Impact', textInput(CHANGE_LIMITS.text, true)),
    input(b.rationale, 'Rationale', textInput(CHANGE_LIMITS.text, true)),
    section('*Scope changes only:* an item to add, and/or an item to amend.'),
    input(b.addTitle, 'New scope item', textInput(SCOPE_LIMITS.title), { optional: true }),
    input(b.addCriteria, 'Its acceptance criteria', textInput(3000, true), {
      optional: true,
      hint: 'One criterion per line.',
    }),
    input(b.addDue, 'Its due date', { type: 'datepicker' }, { optional: true }),
  ];
  if (scope.items.length > 0) {
    blocks.push(
      input(
        b.amendRef,
        'Scope item to amend',
        {
          type: 'static_select',
          options: scope.items.slice(0, 100).map((i) => option(itemLabel(i), i.ref)),
        },
        { optional: true },
      ),
      input(b.amendTitle, 'Its new title', textInput(SCOPE_LIMITS.title), { optional: true }),
      input(b.amendCriteria, 'Its new acceptance criteria', textInput(3000, true), {
        optional: true,
        hint: 'One per line; leave empty to keep them.',
      }),
      input(b.amendDue, 'Its new due date', { type: 'datepicker' }, { optional: true }),
    );
  }
  return modal(DELIVERY.changeModal, 'Change request', 'Raise', metadata, blocks);
}

/** `/amos deliver`: a select of the open items of the current scope version (no free text). */
export function deliverableModal(
  metadata: DeliveryModalMetadata,
  scope: ScopeVersion,
  open: readonly { ref: string; title: string }[],
): View {
  const d = DELIVERY.deliver;
  return modal(DELIVERY.deliverModal, 'Submit deliverable', 'Submit', metadata, [
    context(
      `For *${metadata.slug.toUpperCase()}*, scope version ${scope.version}. Only approved scope items can be delivered.`,
    ),
    input(d.item, 'Scope item', {
      type: 'static_select',
      options: open.slice(0, 100).map((i) => option(itemLabel(i), i.ref)),
    }),
    input(
      d.link,
      'Documentation link',
      { ...textInput(DELIVERABLE_LIMITS.link), placeholder: plain('https://') },
      {
        hint: 'An https:// address.',
      },
    ),
    input(d.summary, 'Outcome summary', textInput(DELIVERABLE_LIMITS.summary, true)),
  ]);
}

/** The review modal: one met / not met select and one note per acceptance criterion. */
export function reviewModal(
  metadata: DeliveryModalMetadata,
  deliverable: {
    ref: string;
    version: number;
    scopeRef: string;
    criteria: readonly string[];
    link?: string;
    summary?: string;
  },
): View {
  const blocks: KnownBlock[] = [
    section(
      `*${deliverable.ref}* (version ${deliverable.version}) for *${deliverable.scopeRef}*.${deliverable.link ? `\nDocumentation: ${esc(deliverable.link)}` : ''}${deliverable.summary ? `\n${esc(deliverable.summary)}` : ''}`,
    ),
  ];
  deliverable.criteria.slice(0, 20).forEach((criterion, i) => {
    blocks.push(
      input(DELIVERY.criterionBlock(i), truncate(`${i + 1}. ${criterion}`, 75), {
        type: 'static_select',
        options: [option('Met', 'met'), option('Not met', 'not_met')],
      }),
      input(DELIVERY.criterionNoteBlock(i), 'Note', textInput(DELIVERABLE_LIMITS.note), {
        optional: true,
        hint: 'Required when not met: say what is missing.',
      }),
    );
  });
  return modal(DELIVERY.reviewModal, 'Review deliverable', 'Record review', metadata, blocks);
}

/** A scope version as `/amos scope <slug> --version N` shows it. */
export function scopeVersionMessage(slug: string, scope: ScopeVersion, latest: number): Rendered {
  const title = `${slug.toUpperCase()} scope version ${scope.version}${scope.version === latest ? ' (current)' : ` (current is ${latest})`}`;
  const lines = scope.items.map(
    (i) =>
      `*${i.ref}* ${esc(i.title)}${i.dueDate ? ` · due ${i.dueDate}` : ''}\n${i.criteria.map((c) => `• ${esc(c)}`).join('\n')}`,
  );
  return {
    text: title,
    blocks: [
      header(title),
      context(
        scope.changeRef ? `Made by ${scope.changeRef}.` : 'The approved execution requirements.',
      ),
      ...lines.slice(0, 45).map((l) => section(l)),
    ],
  };
}

/** The partner channel's notice of an approved change request: what changed, as scope version N. */
export function scopeAmendedNotice(notice: {
  slug: string;
  changeRef: string;
  description: string;
  version: number;
  added: readonly {
    ref: string;
    title: string;
    dueDate: string | null;
    criteria: readonly string[];
  }[];
  amended: readonly {
    ref: string;
    title: string;
    dueDate: string | null;
    criteria: readonly string[];
  }[];
}): Rendered {
  const label = notice.slug.toUpperCase();
  const line = (i: (typeof notice.added)[number]) =>
    `• *${i.ref}* ${esc(i.title)}${i.dueDate ? ` · due ${i.dueDate}` : ''}\n${i.criteria.map((c) => `    ◦ ${esc(c)}`).join('\n')}`;
  const parts = [
    notice.added.length > 0 ? `*Added:*\n${notice.added.map(line).join('\n')}` : '',
    notice.amended.length > 0 ? `*Changed:*\n${notice.amended.map(line).join('\n')}` : '',
  ].filter(Boolean);
  return {
    text: `${notice.changeRef} approved: ${label} scope is now version ${notice.version}.`,
    blocks: [
      section(
        `:scroll: *${notice.changeRef} approved:* ${esc(notice.description)}\nThe approved scope of *${label}* is now version ${notice.version}.`,
      ),
      ...parts.map((p) => section(p)),
      context(
        `\`/amos scope ${notice.slug} --version ${notice.version - 1}\` shows the previous version. Deliverables are submitted against the current one (\`/amos deliver\`).`,
      ),
    ],
  };
}
