import type { KnownBlock, View } from '@slack/types';
import { STAGE_LABELS } from '../../domain/engagement.js';
import { capitalize, REASON_MAX } from '../../domain/text.js';
import type { DecideOutcome } from '../../services/approval-service.js';
import {
  type ApprovalView,
  WAITING_LISTED,
  type WaitingList,
} from '../../services/approval-view-service.js';
import { APPROVAL } from '../ids.js';
import { decisionLine, subjectText, tallyLine } from './approval.js';
import { slackDate } from './dates.js';
import { scopeDigest } from './requirements.js';
import { context, esc, type Rendered, section } from './text.js';

function waitingItem(view: ApprovalView): KnownBlock[] {
  const { engagement } = view;
  return [
    section(
      `*${view.ref}* · *${engagement.label}* ${esc(engagement.name)} (${esc(engagement.client)})\n${capitalize(subjectText(view))} from <@${view.requestedBy}>, ${slackDate(view.requestedAt)}. ${tallyLine(view)}.`,
    ),
    context(scopeDigest(view.scopeItems, view.stages)),
    {
      type: 'actions',
      block_id: APPROVAL.actionsBlock(view.id),
      elements: [
        {
          type: 'button',
          action_id: APPROVAL.approveAction,
          text: { type: 'plain_text', text: `Approve ${view.ref}`, emoji: true },
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
    },
  ];
}

/**
 * What waits on the caller, each item with Approve / Reject buttons (the first ten at most,
 * oldest first, then how many more and how to narrow the list), or a kind note that nothing
 * does. `notice` goes on top (e.g. the last decision). Within Block Kit's 50 blocks.
 */
export function waitingList(
  list: WaitingList,
  options: { slug?: string | undefined; notice?: string | undefined } = {},
): Rendered {
  const top = options.notice ? [section(options.notice), { type: 'divider' } as KnownBlock] : [];
  const where = options.slug ? ` in ${options.slug.toUpperCase()}` : '';
  const listed = list.views.slice(0, WAITING_LISTED);
  const n = Math.max(list.total, list.views.length);
  if (n === 0) {
    const text = `Nothing${where} waits on your decision right now. When execution requirements or a change request need you, AMOS sends you a DM with Approve and Reject buttons, and \`/amos approve\` lists them here.`;
    return { text: options.notice ?? text, blocks: [...top, section(`:sparkles: ${text}`)] };
  }
  const heading = `*${n} ${n === 1 ? 'item waits' : 'items wait'} on your decision${where}*`;
  const blocks: KnownBlock[] = [...top, section(heading)];
  for (const view of listed) {
    blocks.push({ type: 'divider' }, ...waitingItem(view));
  }
  const more = n - listed.length;
  if (more > 0) {
    const narrow = options.slug ? '' : " To see one engagement's: `/amos approve <slug>`.";
    blocks.push(context(`…and ${more} more, oldest first.${narrow}`));
  }
  const [first] = listed;
  const example = first ? `${first.engagement.slug} ${first.ref}` : 'acme-q3 EX-1';
  blocks.push(
    context(
      `To approve with a note: \`/amos approve ${example} <note>\`. To reject: \`/amos reject ${example} <reason>\`.`,
    ),
  );
  const refs = listed.map((v) => `${v.ref} (${v.engagement.label})`).join(', ');
  const rest = more > 0 ? ` and ${more} more` : '';
  return { text: options.notice ?? `Waiting on your decision: ${refs}${rest}`, blocks };
}

/** The reply to the person who voted: what their vote did and what happens next. */
export function voteReply(
  outcome: DecideOutcome,
  view: ApprovalView | undefined,
  userId: string,
): string {
  const label = outcome.slug.toUpperCase();
  if (outcome.kind !== 'voted') {
    if (!view) return outcome.message;
    if (outcome.kind === 'already_decided') {
      const what = view.status === 'withdrawn' ? 'was withdrawn' : 'was already decided';
      return `Nothing more to do: ${outcome.ref} (${label}) ${what}.\n${decisionLine(view)}`;
    }
    const own = view.votes.find((v) => v.userId === userId);
    const left = view.requiredApprovals - view.approverIds.length;
    const when = own ? ` ${slackDate(own.at)}` : '';
    return `You already approved ${outcome.ref} (${label})${when}; a vote counts once. ${tallyLine(view)}; it needs ${left} more ${left === 1 ? 'executive' : 'executives'}.`;
  }
  if (outcome.status === 'rejected') {
    const requester = view ? `<@${view.requestedBy}>` : 'The requester';
    const next =
      outcome.subject === 'change_request'
        ? 'Nothing in the approved scope changes.'
        : outcome.subject === 'stage_review'
          ? 'The partner can submit the stage outcome again with the changes you asked for.'
          : 'They can revise the requirements and submit them again.';
    return `${outcome.ref} (${label}) is rejected. ${requester} has been told your reason. ${next}`;
  }
  if (outcome.status === 'approved') {
    const stage =
      outcome.stage === 'execution_approved'
        ? ` ${label} is now *${STAGE_LABELS.execution_approved}*. Next: an executive activates the partner (\`/amos activate ${outcome.slug}\`).`
        : outcome.subject === 'change_request'
          ? ' The approved scope is amended as a new version (`/amos scope --version N` reads any version).'
          : outcome.subject === 'stage_review'
            ? ' The stage checkpoint has passed its review.'
            : '';
    return `${outcome.ref} is approved (${outcome.approvals} of ${outcome.requiredApprovals}).${stage} The requester has been told.`;
  }
  const left = outcome.requiredApprovals - outcome.approvals;
  return `Your approval of ${outcome.ref} (${label}) is recorded: ${outcome.approvals} of ${outcome.requiredApprovals}. It needs ${left} more ${left === 1 ? 'executive' : 'executives'}; the other sponsors see the tally in their DMs.`;
}

/** The modal asking an executive why they reject; `metadata` rides along as private_metadata. */
export function rejectModal(view: ApprovalView, metadata: string): View {
  return {
    type: 'modal',
    callback_id: APPROVAL.rejectModal,
    private_metadata: metadata,
    title: { type: 'plain_text', text: `Reject ${view.ref}` },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `*${view.ref}* · *${view.engagement.label}* ${esc(view.engagement.name)}\nThe ${subjectText(view)} from <@${view.requestedBy}>. ${tallyLine(view)}.`,
      ),
      {
        type: 'input',
        block_id: APPROVAL.reasonBlock,
        label: { type: 'plain_text', text: 'Why do you reject it?' },
        hint: {
          type: 'plain_text',
          text: `The requester sees this reason, and it goes into the decision record. At most ${REASON_MAX} characters.`,
        },
        element: {
          type: 'plain_text_input',
          action_id: APPROVAL.reasonAction,
          multiline: true,
          max_length: REASON_MAX,
          placeholder: { type: 'plain_text', text: 'What must change before you can approve?' },
        },
      },
    ],
  };
}

/** A modal that replaces the reject form when there was nothing left to decide. */
export function noticeModal(title: string, markdown: string): View {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title.slice(0, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(markdown)],
  };
}
