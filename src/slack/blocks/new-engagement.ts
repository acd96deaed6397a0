import type { KnownBlock, ModalView } from '@slack/types';
import { engagementLabel } from '../../domain/engagement.js';
import { CLIENT_MAX, NAME_MAX } from '../../domain/engagement-setup.js';
import { NEW_ENGAGEMENT } from '../ids.js';
import { engagementMetadata } from '../inputs/modal-values.js';
import { context, esc, header, type Rendered, section } from './text.js';

const B = NEW_ENGAGEMENT.blocks;
const ACTION = NEW_ENGAGEMENT.inputAction;
const plain = (text: string) => ({ type: 'plain_text' as const, text });

function textInput(
  blockId: string,
  label: string,
  options: { placeholder?: string; hint?: string; maxLength?: number; optional?: boolean } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional: options.optional ?? false,
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: ACTION,
      ...(options.placeholder ? { placeholder: plain(options.placeholder) } : {}),
      ...(options.maxLength ? { max_length: options.maxLength } : {}),
    },
  };
}

function usersInput(blockId: string, label: string, hint: string, optional: boolean): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional,
    hint: plain(hint),
    element: { type: 'multi_users_select', action_id: ACTION, placeholder: plain('Pick people') },
  };
}

/** The two ways to get a partner channel: a new private channel or an existing one. */
export function channelChoiceBlocks(): KnownBlock[] {
  return [
    textInput(B.channelName, 'New private partner channel', {
      placeholder: 'e.g. acme-q3-partners',
      hint: 'AMOS creates it as a private channel. Lower-case letters, digits, hyphens; no spaces; at most 80 characters. Leave empty to link an existing channel instead.',
      maxLength: 80,
      optional: true,
    }),
    {
      type: 'input',
      block_id: B.channelExisting,
      label: plain('…or link an existing channel'),
      optional: true,
      hint: plain(
        'Only if you did not name a new channel above. Add AMOS to a private channel first.',
      ),
      element: {
        type: 'conversations_select',
        action_id: ACTION,
        placeholder: plain('Pick a channel'),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
      },
    },
  ];
}

/** The `/amos new` modal; the caller is the default operator. */
export function newEngagementModal(options: {
  userId: string;
  partnerOrgs: readonly { id: string; name: string }[];
}): ModalView {
  const orgs = options.partnerOrgs.slice(0, 100);
  const partnerBlock: KnownBlock =
    orgs.length > 0
      ? {
          type: 'input',
          block_id: B.partnerOrg,
          label: plain('Partner organisation'),
          optional: true,
          hint: plain('The execution partner. You can leave it for now; activation needs it.'),
          element: {
            type: 'static_select',
            action_id: ACTION,
            placeholder: plain('Pick a partner organisation'),
            options: orgs.map((o) => ({ text: plain(o.name.slice(0, 75)), value: o.id })),
          },
        }
      : {
          type: 'context',
          block_id: B.partnerOrgNone,
          elements: [
            {
              type: 'mrkdwn',
              text: '*Partner organisation:* none exists yet. An admin creates one with `/amos partner create <name>`; it can be set before activation.',
            },
          ],
        };
  return {
    type: 'modal',
    callback_id: NEW_ENGAGEMENT.callbackId,
    title: plain('New engagement'),
    submit: plain('Create'),
    close: plain('Cancel'),
    blocks: [
      context(
        'The engagement starts in *draft*. Nothing reaches the partner before System Entry → Output Review → Execution Approval → Partner Activation.',
      ),
      textInput(B.name, 'Name', {
        placeholder: 'e.g. Acme Q3 lifecycle',
        hint: `At most ${NAME_MAX} characters.`,
        maxLength: NAME_MAX,
      }),
      textInput(B.slug, 'Short name (slug)', {
        placeholder: 'e.g. acme-q3',
        hint: 'Used in commands, e.g. /amos status acme-q3. 2 to 39 lower-case letters, digits and hyphens.',
        maxLength: 39,
      }),
      textInput(B.client, 'Client', {
        placeholder: 'e.g. Acme Corp',
        hint: `At most ${CLIENT_MAX} characters.`,
        maxLength: CLIENT_MAX,
      }),
      usersInput(
        B.sponsors,
        'Executive sponsors',
        'Executives who review the Diagnostic and approve execution. They need the executive role.',
        false,
      ),
      {
        type: 'input',
        block_id: B.operator,
        label: plain('Operator'),
        hint: plain('Runs the Diagnostic and defines the execution requirements.'),
        element: { type: 'users_select', action_id: ACTION, initial_user: options.userId },
      },
      partnerBlock,
      header('Partner channel'),
      ...channelChoiceBlocks(),
      header('Escalation path'),
      usersInput(B.escalation1, 'Level 1', 'Gets escalations first.', false),
      usersInput(B.escalation2, 'Level 2', 'If level 1 does not act in time.', true),
      usersInput(B.escalation3, 'Level 3', 'If level 2 does not act in time.', true),
      {
        type: 'input',
        block_id: B.requiredApprovals,
        label: plain('Approvals required (N of the sponsors)'),
        hint: plain(
          'How many sponsors must approve execution requirements and scope changes. At most the number of sponsors.',
        ),
        element: {
          type: 'number_input',
          action_id: ACTION,
          is_decimal_allowed: false,
          min_value: '1',
          initial_value: '1',
        },
      },
    ],
  };
}

/** The small modal to link a partner channel to an engagement that has none. */
export function linkChannelModal(engagement: { id: string; slug: string }): ModalView {
  return {
    type: 'modal',
    callback_id: NEW_ENGAGEMENT.linkChannelCallbackId,
    private_metadata: engagementMetadata(engagement.id),
    title: plain('Partner channel'),
    submit: plain('Link'),
    close: plain('Cancel'),
    blocks: [
      section(
        `Give *${engagementLabel(engagement.slug)}* its partner channel: name a new private channel, or pick an existing one.`,
      ),
      ...channelChoiceBlocks(),
    ],
  };
}

/** A button that opens the link-a-channel modal for an engagement. */
export function linkChannelButton(engagementId: string): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: NEW_ENGAGEMENT.linkChannelAction,
        text: plain('Link partner channel'),
        value: engagementId,
      },
    ],
  };
}

export interface CreatedSummary {
  readonly engagement: {
    id: string;
    slug: string;
    name: string;
    client: string;
    sponsor_ids: readonly string[];
    operator_id: string;
    required_approvals: number;
    escalation_path: {
      level1: readonly string[];
      level2: readonly string[];
      level3: readonly string[];
    };
  };
  readonly partnerOrgName: string | null;
  /** The linked partner channel, or null when none could be linked. */
  readonly channelId: string | null;
  /** A note about the channel (e.g. AMOS must be added to it). */
  readonly channelNote?: string;
}

const people = (ids: readonly string[]) =>
  ids.length > 0 ? ids.map((id) => `<@${id}>`).join(', ') : '—';

/** The creator's DM: what was created, and the next step. */
export function engagementCreatedMessage(summary: CreatedSummary): Rendered {
  const e = summary.engagement;
  const name = engagementLabel(e.slug);
  const channel = summary.channelId
    ? `<#${summary.channelId}>`
    : ':warning: none yet: use *Link partner channel* below';
  const path = e.escalation_path;
  const lines = [
    `*Name:* ${esc(e.name)}`,
    `*Client:* ${esc(e.client)}`,
    `*Executive sponsors:* ${people(e.sponsor_ids)}`,
    `*Operator:* <@${e.operator_id}>`,
    `*Partner organisation:* ${summary.partnerOrgName ? esc(summary.partnerOrgName) : `not set yet: assign one with \`/amos partner assign ${e.slug} <org>\``}`,
    `*Partner channel:* ${channel}`,
    `*Approvals required:* ${e.required_approvals} of ${e.sponsor_ids.length} sponsors`,
    `*Escalation path:* 1: ${people(path.level1)} · 2: ${people(path.level2)} · 3: ${people(path.level3)}`,
  ];
  const next = `*Next step:* <@${e.operator_id}> submits the Diagnostic with \`/amos diagnostic ${e.slug}\` (System Entry). \`/amos status ${e.slug}\` shows where it stands.`;
  return {
    text: `${name} (${esc(e.name)}) was created in draft. Next: /amos diagnostic ${e.slug}`,
    blocks: [
      header(`${name} created in draft`),
      section(lines.join('\n')),
      ...(summary.channelNote ? [section(summary.channelNote)] : []),
      section(next),
      ...(summary.channelId ? [] : [linkChannelButton(e.id)]),
      context('Written to the decision record as `engagement.created`.'),
    ],
  };
}

/** The DM after a partner channel was linked later. */
export function channelLinkedMessage(slug: string, channelId: string, note?: string): Rendered {
  const text = `<#${channelId}> is now the partner channel of ${engagementLabel(slug)}.`;
  return { text, blocks: [section(text), ...(note ? [section(note)] : [])] };
}
