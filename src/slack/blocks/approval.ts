import type { KnownBlock } from '@slack/types';
import { STAGE_LABELS } from '../../domain/engagement.js';
import { joinAnd } from '../../domain/text.js';
import type { ApprovalView } from '../../services/approval-view-service.js';
import { APPROVAL } from '../ids.js';
import { slackDate } from './dates.js';
import { requirementsBlocks } from './requirements.js';
import { context, esc, header, type Rendered, section } from './text.js';

const SUBJECTS: Readonly<Record<string, string>> = {
  execution_requirements: 'execution requirements',
  change_request: 'change request',
  stage_review: 'stage review',
};

/** What is being approved, in words ("execution requirements"). */
export function subjectText(view: Pick<ApprovalView, 'subject'>): string {
  return SUBJECTS[view.subject] ?? view.subject.replace(/_/g, ' ');
}

/** Requirements are plural ("them", "were"); a change request is one thing ("it", "was"). */
const isPlural = (view: Pick<ApprovalView, 'subject'>) => view.subject === 'execution_requirements';

const who = (userId: string) => `<@${userId}>`;
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "1 of 2 approvals: @erin (Nov 25 at 2:03 PM)", each approver with the time of their vote. */
export function tallyLine(view: ApprovalView): string {
  const approvals = view.votes.filter(
    (v) => v.decision === 'approve' && view.approverIds.includes(v.userId),
  );
  const names = approvals.map((v) => `${who(v.userId)} (${slackDate(v.at)})`);
  const head = `${approvals.length} of ${view.requiredApprovals} ${plural(view.requiredApprovals, 'approval', 'approvals')}`;
  return names.length > 0 ? `${head}: ${names.join(', ')}` : `${head} so far`;
}

/**
 * Who decided, when and why: "Approved by @a (…) and @b (…).", "Rejected by @x (…): reason",
 * or "Withdrawn: the Diagnostic outputs were sent back on … by @x".
 */
export function decisionLine(view: ApprovalView): string {
  if (view.status === 'withdrawn') {
    const when = view.decidedAt ? ` on ${slackDate(view.decidedAt)}` : '';
    const by = view.withdrawnBy ? ` by ${who(view.withdrawnBy)}` : '';
    if (view.withdrawnReason === 'terminated') {
      return `:no_entry_sign: *Withdrawn*: ${view.engagement.label} was terminated${when}${by}. Nothing to decide here any more.`;
    }
    return `:no_entry_sign: *Withdrawn*: the Diagnostic outputs were sent back${when}${by}. Nothing to decide here; the operator submits the requirements again after the next Output Review.`;
  }
  if (view.status === 'rejected') {
    const rejection = view.votes.find((v) => v.decision === 'reject');
    const by = rejection ? `${who(rejection.userId)} (${slackDate(rejection.at)})` : 'an executive';
    const earlier = view.votes.filter((v) => v.decision === 'approve');
    const before =
      earlier.length > 0
        ? `\nEarlier ${plural(earlier.length, 'approval', 'approvals')}: ${earlier.map((v) => `${who(v.userId)} (${slackDate(v.at)})`).join(', ')}.`
        : '';
    return `:x: *Rejected* by ${by}: ${rejection?.note ? esc(rejection.note) : 'no reason given'}${before}`;
  }
  if (view.status === 'approved') {
    const approvals = view.votes.filter((v) => v.decision === 'approve');
    const names = approvals.map((v) => `${who(v.userId)} (${slackDate(v.at)})`);
    const notes = approvals
      .filter((v) => v.note)
      .map((v) => `\n>${who(v.userId)}: ${esc(v.note ?? '')}`)
      .join('');
    return `:white_check_mark: *Approved* by ${joinAnd(names)}.${notes}`;
  }
  return `:hourglass_flowing_sand: Waiting for approval: ${tallyLine(view)}.`;
}

function needsLine(view: ApprovalView): string {
  const n = view.requiredApprovals;
  const pronoun = isPlural(view) ? 'them' : 'it';
  return n === 1
    ? `One executive who did not author ${pronoun} must approve.`
    : `${n} executives who did not author ${pronoun} must approve (N of M).`;
}

function decisionButtons(view: ApprovalView): KnownBlock {
  return {
    type: 'actions',
    block_id: APPROVAL.actionsBlock(view.id),
    elements: [
      {
        type: 'button',
        action_id: APPROVAL.approveAction,
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        style: 'primary',
        value: view.id,
      },
      {
        type: 'button',
        action_id: APPROVAL.rejectAction,
        text: { type: 'plain_text', text: 'Reject…', emoji: true },
        style: 'danger',
        value: view.id,
      },
    ],
  };
}

/** The part of a copy that depends on its reader and on the request's state. */
function statusBlocks(view: ApprovalView, recipientId: string | null): KnownBlock[] {
  if (view.status !== 'pending') {
    const next =
      view.status === 'approved' && view.subject === 'execution_requirements'
        ? [
            context(
              `${view.engagement.label} is now *${STAGE_LABELS.execution_approved}*. Next: an executive activates the partner (\`/amos activate ${view.engagement.slug}\`).`,
            ),
          ]
        : [];
    return [section(decisionLine(view), APPROVAL.decisionBlock), ...next];
  }
  const blocks: KnownBlock[] = [];
  if (view.votes.length > 0) blocks.push(context(tallyLine(view)));
  const own = recipientId ? view.votes.find((v) => v.userId === recipientId) : undefined;
  if (recipientId && view.requesterIds.includes(recipientId)) {
    blocks.push(
      context(
        'You requested or authored these requirements, so other executives decide on them (separation of duties). You will hear when they do.',
      ),
    );
  } else if (own) {
    const left = view.requiredApprovals - view.approverIds.length;
    blocks.push(
      context(
        `You approved ${slackDate(own.at)}. Waiting for ${left} more ${plural(left, 'executive', 'executives')}.`,
      ),
    );
  } else {
    blocks.push(decisionButtons(view));
  }
  return blocks;
}

/**
 * One copy of an approval request (a sponsor's DM) as it stands now: the requirements, then
 * Approve / Reject while it is pending (with the tally once someone voted), or who decided,
 * when and why once it is decided. `recipientId` tailors it (authors get no buttons).
 */
export function approvalMessage(view: ApprovalView, recipientId: string | null): Rendered {
  const { engagement } = view;
  const title =
    view.status === 'pending'
      ? `Approval needed: ${view.ref} · ${engagement.label}`
      : `${view.ref} · ${engagement.label}: ${view.status}`;
  const intro = `*${esc(engagement.name)}* for ${esc(engagement.client)}\n${who(view.requestedBy)} submitted the ${subjectText(view)} *${view.ref}* for approval ${slackDate(view.requestedAt)}. ${needsLine(view)}`;
  const escalation =
    engagement.escalationLevel1.length > 0
      ? [context(`Escalation path, level 1: ${engagement.escalationLevel1.map(who).join(', ')}`)]
      : [];
  const text =
    view.status === 'pending'
      ? `Approval needed: ${view.ref}, the ${subjectText(view)} of ${engagement.label} (${esc(engagement.name)}), from <@${view.requestedBy}>.`
      : `${view.ref} (${engagement.label}) ${isPlural(view) ? 'were' : 'was'} ${view.status}.`;
  return {
    text,
    blocks: [
      header(title),
      section(intro),
      ...requirementsBlocks(view.scopeItems, view.stages, {
        moreHint: `See them all with \`/amos scope ${engagement.slug}\`.`,
      }),
      ...escalation,
      { type: 'divider' },
      ...statusBlocks(view, recipientId),
    ],
  };
}

/** The DM telling the requester that their request was decided, by whom, when and why. */
export function requesterNotice(view: ApprovalView): Rendered {
  const { engagement } = view;
  const what = `Your ${subjectText(view)} *${view.ref}* for *${engagement.label}* (${esc(engagement.name)})`;
  const next =
    view.status === 'approved'
      ? view.subject === 'execution_requirements'
        ? `${engagement.label} is now *${STAGE_LABELS.execution_approved}*. Next: an executive activates the partner (\`/amos activate ${engagement.slug}\`).`
        : ''
      : `Revise the requirements with \`/amos scope ${engagement.slug}\` and submit them again.`;
  const verdict = `${isPlural(view) ? 'were' : 'was'} ${view.status === 'approved' ? 'approved' : 'rejected'}`;
  return {
    text: `${view.ref} (${engagement.label}) ${verdict}.`,
    blocks: [
      section(`${what} ${verdict}.\n${decisionLine(view)}`),
      ...(next ? [context(next)] : []),
    ],
  };
}
