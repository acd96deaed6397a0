import type { KnownBlock, View } from '@slack/types';
import { STAGE_LABELS, type Stage } from '../../domain/engagement.js';
import { SCOPE_LIMITS } from '../../domain/scope.js';
import { capitalize, joinAnd } from '../../domain/text.js';
import type { ScopeOverview } from '../../services/scope-service.js';
import { SCOPE } from '../ids.js';
import { requirementsBlocks } from './requirements.js';
import { context, esc, header, type Rendered, section } from './text.js';

function requestLine(overview: ScopeOverview): string | undefined {
  const latest = overview.latestRequest;
  if (!latest) return undefined;
  if (latest.status === 'pending') {
    return `:hourglass_flowing_sand: *${latest.ref}* is waiting for approval: ${latest.approvals} of ${latest.required}. The sponsors have it in their DMs.`;
  }
  if (latest.status === 'approved') return `:white_check_mark: *${latest.ref}* was approved.`;
  if (latest.status === 'withdrawn') {
    return `:no_entry_sign: *${latest.ref}* was withdrawn when the Diagnostic outputs were sent back; submit the requirements again once the outputs are reviewed.`;
  }
  const by = latest.rejection
    ? ` by <@${latest.rejection.userId}>: ${esc(latest.rejection.reason)}`
    : '';
  return `:x: *${latest.ref}* was rejected${by}\nFix what it asks for below, then submit again.`;
}

/**
 * The operator's view of the execution requirements: scope items (SC-n) with due dates and
 * criteria, stage checkpoints (ST-n), what the gate still needs, and while editing is allowed
 * the buttons Add scope item / Add stage checkpoint / Submit for approval.
 */
export function scopeOverview(overview: ScopeOverview, notice?: string): Rendered {
  const { engagement } = overview;
  const label = engagement.slug.toUpperCase();
  const stage = STAGE_LABELS[engagement.stage as Stage] ?? engagement.stage;
  const blocks: KnownBlock[] = [];
  if (notice) blocks.push(section(notice), { type: 'divider' });
  blocks.push(
    header(`Execution requirements · ${label}`),
    section(`*${esc(engagement.name)}* for ${esc(engagement.client)} · stage *${stage}*`),
  );
  const request = requestLine(overview);
  if (request) blocks.push(section(request));
  blocks.push(...requirementsBlocks(overview.scopeItems, overview.stages, { maxItems: 20 }));
  if (overview.lockedReason) {
    blocks.push(context(overview.lockedReason));
  } else {
    if (overview.gaps.length > 0) {
      blocks.push(
        context(
          `Before it can go to the executives, it needs:\n${overview.gaps.map((g) => `• ${esc(capitalize(g))}`).join('\n')}`,
        ),
      );
    } else {
      blocks.push(context('Complete: submit it for approval when you are ready.'));
    }
    blocks.push({
      type: 'actions',
      block_id: SCOPE.actionsBlock,
      elements: [
        ...[
          ['Add scope item', SCOPE.addItemAction],
          ['Add stage checkpoint', SCOPE.addStageAction],
        ].map(([text, actionId]) => ({
          type: 'button' as const,
          action_id: actionId as string,
          text: { type: 'plain_text' as const, text: text as string, emoji: true },
          value: engagement.slug,
        })),
        {
          type: 'button',
          action_id: SCOPE.submitAction,
          text: { type: 'plain_text', text: 'Submit for approval', emoji: true },
          value: engagement.slug,
          ...(overview.gaps.length === 0 ? { style: 'primary' as const } : {}),
        },
      ],
    });
  }
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const summary = `Execution requirements of ${label}: ${count(overview.scopeItems.length, 'scope item')}, ${count(overview.stages.length, 'stage checkpoint')}.`;
  const text = notice ? `${notice}\n${summary}` : summary;
  return { text, blocks };
}

/** Who was told about a newly submitted request, and whom Slack would not let us reach. */
export interface SubmitDelivery {
  readonly sent: readonly string[];
  readonly failed: readonly { userId: string; error: string }[];
}

/** The operator's confirmation after submitting: who got the request, what it needs, what next. */
export function submittedNotice(
  result: {
    ref: string;
    requiredApprovals: number;
    requesterIds: readonly string[];
    sponsorIds: readonly string[];
  },
  delivery: SubmitDelivery,
): string {
  const mention = (ids: readonly string[]) => joinAnd(ids.map((id) => `<@${id}>`));
  const needs =
    result.requiredApprovals === 1
      ? 'One executive who did not author the requirements must approve.'
      : `${result.requiredApprovals} executives who did not author the requirements must approve.`;
  const lines = [`:outbox_tray: *${result.ref}* is out for approval. ${needs}`];
  const voters = delivery.sent.filter((id) => !result.requesterIds.includes(id));
  if (voters.length > 0)
    lines.push(`${mention(voters)} got a DM with the requirements and Approve / Reject buttons.`);
  const authors = result.sponsorIds.filter((id) => result.requesterIds.includes(id));
  if (authors.length > 0)
    lines.push(
      `${mention(authors)} authored part of it, so they get a copy without buttons (separation of duties).`,
    );
  if (result.sponsorIds.length === 0)
    lines.push(
      'This engagement has no executive sponsors to DM: executives find it with `/amos approve`.',
    );
  for (const failure of delivery.failed)
    lines.push(
      `:warning: I could not DM <@${failure.userId}> (Slack said \`${failure.error}\`); they can still find it with \`/amos approve\`.`,
    );
  lines.push('You will get a DM when it is decided.');
  return lines.join('\n');
}

/** What a scope modal carries: the engagement, and where to refresh the overview afterwards. */
export interface ScopeModalMetadata {
  readonly slug: string;
  readonly responseUrl?: string | undefined;
  /** True when the overview the button was in should be replaced (not a new message). */
  readonly replace?: boolean | undefined;
}

function modal(
  callbackId: string,
  title: string,
  metadata: ScopeModalMetadata,
  blocks: KnownBlock[],
): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: 'Add' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** The "Add scope item" modal: title, acceptance criteria (one per line), due date. */
export function scopeItemModal(metadata: ScopeModalMetadata): View {
  const label = metadata.slug.toUpperCase();
  return modal(SCOPE.itemModal, 'Add scope item', metadata, [
    context(
      `For *${label}*. Partners deliver against each acceptance criterion, and reviewers check every one.`,
    ),
    {
      type: 'input',
      block_id: SCOPE.titleBlock,
      label: { type: 'plain_text', text: 'Title' },
      hint: { type: 'plain_text', text: `At most ${SCOPE_LIMITS.title} characters.` },
      element: {
        type: 'plain_text_input',
        action_id: SCOPE.titleAction,
        max_length: SCOPE_LIMITS.title,
        placeholder: { type: 'plain_text', text: 'e.g. Lifecycle email program' },
      },
    },
    {
      type: 'input',
      block_id: SCOPE.criteriaBlock,
      label: { type: 'plain_text', text: 'Acceptance criteria' },
      hint: {
        type: 'plain_text',
        text: `One criterion per line; at least one, at most ${SCOPE_LIMITS.criteria}, each at most ${SCOPE_LIMITS.criterion} characters.`,
      },
      element: {
        type: 'plain_text_input',
        action_id: SCOPE.criteriaAction,
        multiline: true,
        max_length: 3000,
        placeholder: { type: 'plain_text', text: 'Open rate above 35%\nQA checklist signed off' },
      },
    },
    {
      type: 'input',
      block_id: SCOPE.dueBlock,
      label: { type: 'plain_text', text: 'Due date' },
      element: { type: 'datepicker', action_id: SCOPE.dueAction },
    },
  ]);
}

/** The "Add stage checkpoint" modal: checkpoint name and date. */
export function stageModal(metadata: ScopeModalMetadata): View {
  const label = metadata.slug.toUpperCase();
  return modal(SCOPE.stageModal, 'Add stage checkpoint', metadata, [
    context(`For *${label}*. At each checkpoint the partner submits the stage outcome for review.`),
    {
      type: 'input',
      block_id: SCOPE.stageNameBlock,
      label: { type: 'plain_text', text: 'Checkpoint' },
      hint: { type: 'plain_text', text: `At most ${SCOPE_LIMITS.stageName} characters.` },
      element: {
        type: 'plain_text_input',
        action_id: SCOPE.stageNameAction,
        max_length: SCOPE_LIMITS.stageName,
        placeholder: { type: 'plain_text', text: 'e.g. Mid-point review' },
      },
    },
    {
      type: 'input',
      block_id: SCOPE.stageDateBlock,
      label: { type: 'plain_text', text: 'Date' },
      element: { type: 'datepicker', action_id: SCOPE.stageDateAction },
    },
  ]);
}
