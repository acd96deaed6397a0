import type { KnownBlock, ModalView } from '@slack/types';
import { DIAGNOSTIC_TEXT_MAX, type DiagnosticContent } from '../../domain/diagnostic.js';
import { engagementLabel } from '../../domain/engagement.js';
import { REASON_MAX } from '../../domain/text.js';
import { DIAGNOSTIC_FORM } from '../ids.js';
import { formatScores, type ReviewTarget, reviewTargetValue } from '../inputs/diagnostic.js';
import { engagementMetadata } from '../inputs/modal-values.js';
import { slackDate } from './dates.js';
import { context, esc, header, type Rendered, section, truncate } from './text.js';

const B = DIAGNOSTIC_FORM.blocks;
const plain = (text: string) => ({ type: 'plain_text' as const, text });

interface EngagementRef {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly stage: string;
}

interface VersionInfo extends DiagnosticContent {
  readonly ref: string;
  readonly version: number;
  readonly authorId: string;
  readonly submittedAt: Date;
}

function multiline(
  blockId: string,
  label: string,
  hint: string,
  initial: string | undefined,
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    hint: plain(`${hint} At most ${DIAGNOSTIC_TEXT_MAX} characters.`),
    element: {
      type: 'plain_text_input',
      action_id: DIAGNOSTIC_FORM.inputAction,
      multiline: true,
      max_length: DIAGNOSTIC_TEXT_MAX,
      ...(initial ? { initial_value: initial.slice(0, DIAGNOSTIC_TEXT_MAX) } : {}),
    },
  };
}

/** The System Entry modal, prefilled with the latest version when there is one. */
export function diagnosticModal(engagement: EngagementRef, latest?: VersionInfo): ModalView {
  const name = engagementLabel(engagement.slug);
  const intro = latest
    ? `*${name}* · ${esc(engagement.name)}\nPrefilled with ${latest.ref} v${latest.version}. Submitting stores v${latest.version + 1}; earlier versions stay in the record.`
    : `*${name}* · ${esc(engagement.name)}\nSystem Entry: the Diagnostic comes first. Submitting sends it to an executive sponsor for Output Review.`;
  return {
    type: 'modal',
    callback_id: DIAGNOSTIC_FORM.callbackId,
    private_metadata: engagementMetadata(engagement.id),
    title: plain('Diagnostic'),
    submit: plain(latest ? 'Submit revision' : 'Submit'),
    close: plain('Cancel'),
    blocks: [
      section(intro, B.intro),
      multiline(
        B.priorities,
        'Ranked priorities',
        'One per line, the most important first.',
        latest?.priorities.join('\n'),
      ),
      multiline(
        B.scores,
        'Scores per dimension',
        'One "dimension: score" per line, each a whole number from 0 to 100, e.g. "retention: 42".',
        latest ? formatScores(latest.scores) : undefined,
      ),
      multiline(B.findings, 'Key findings', 'What the Diagnostic found.', latest?.findings),
      multiline(
        B.recommendedScope,
        'Recommended scope',
        'What the execution partner should be engaged for.',
        latest?.recommendedScope,
      ),
      context(
        'Frozen once an executive confirms it in Output Review. Partners never see or edit it.',
      ),
    ],
  };
}

/**
 * The Diagnostic as executives review it, with Confirm / Send back when they can decide. Both
 * buttons carry the version shown, so a decision never lands on a version nobody saw.
 */
export function diagnosticReviewMessage(
  engagement: EngagementRef,
  d: VersionInfo & { frozenAt: Date | null },
  canDecide: boolean,
): Rendered {
  const name = engagementLabel(engagement.slug);
  const priorities = d.priorities.map((p, i) => `${i + 1}. ${esc(p)}`).join('\n');
  const scores = Object.entries(d.scores)
    .map(([dimension, score]) => `• ${esc(dimension)}: *${score}*`)
    .join('\n');
  const state = d.frozenAt
    ? `Confirmed in Output Review ${slackDate(d.frozenAt)}; frozen.`
    : `Submitted by <@${d.authorId}> ${slackDate(d.submittedAt)}.`;
  const how = `Confirm: \`/amos review ${engagement.slug} confirm [note]\` · Send back: \`/amos review ${engagement.slug} send-back <reason>\``;
  const blocks: KnownBlock[] = [
    header(truncate(`${d.ref} v${d.version} · ${name}`, 150)),
    section(`*Ranked priorities*\n${priorities}`),
    section(`*Scores*\n${scores}`),
    section(`*Key findings*\n${esc(d.findings)}`),
    section(`*Recommended scope*\n${esc(d.recommendedScope)}`),
    context(state),
  ];
  if (canDecide) {
    const value = reviewTargetValue({
      engagementId: engagement.id,
      slug: engagement.slug,
      ref: d.ref,
      version: d.version,
    });
    blocks.push(
      {
        type: 'actions',
        block_id: DIAGNOSTIC_FORM.reviewActionsBlock,
        elements: [
          {
            type: 'button',
            action_id: DIAGNOSTIC_FORM.confirmAction,
            style: 'primary',
            text: plain(`Confirm v${d.version}`),
            value,
          },
          {
            type: 'button',
            action_id: DIAGNOSTIC_FORM.sendBackAction,
            style: 'danger',
            text: plain('Send back'),
            value,
          },
        ],
      },
      context(how),
    );
  } else if (engagement.stage === 'diagnostic_submitted') {
    blocks.push(
      context(
        `You authored this version, so another executive reviews it (separation of duties). ${how}`,
      ),
    );
  }
  return { text: `${d.ref} v${d.version} of ${name} for Output Review`, blocks };
}

/** The modal asking why the Diagnostic goes back to draft; it carries the version shown. */
export function sendBackModal(target: ReviewTarget): ModalView {
  const name = target.slug ? `*${engagementLabel(target.slug)}*` : 'The engagement';
  return {
    type: 'modal',
    callback_id: DIAGNOSTIC_FORM.sendBackCallbackId,
    private_metadata: reviewTargetValue(target),
    title: plain('Send back'),
    submit: plain('Send back'),
    close: plain('Cancel'),
    blocks: [
      section(
        `${name} goes back to draft with ${target.ref} v${target.version}. Say what the operator must change; the reason is recorded. Any execution requirements waiting for approval are withdrawn.`,
      ),
      {
        type: 'input',
        block_id: DIAGNOSTIC_FORM.reasonBlock,
        label: plain('Reason'),
        hint: plain(
          `The operator sees this reason, and it is recorded. At most ${REASON_MAX} characters.`,
        ),
        element: {
          type: 'plain_text_input',
          action_id: DIAGNOSTIC_FORM.inputAction,
          multiline: true,
          max_length: REASON_MAX,
          placeholder: plain('e.g. The scores need evidence from the Q2 data.'),
        },
      },
    ],
  };
}

/** What the submitter sees after System Entry. */
export function diagnosticReceipt(
  slug: string,
  result: { status: 'submitted' | 'revised' | 'unchanged'; ref: string; version: number },
): Rendered {
  const name = engagementLabel(slug);
  const text =
    result.status === 'submitted'
      ? `${result.ref} v${result.version} of ${name} is submitted for Output Review. The executive sponsors are told; one who did not author it confirms it or sends it back.`
      : result.status === 'revised'
        ? `${result.ref} is revised to v${result.version} for ${name}; the sponsors review this version.`
        : `Nothing changed: ${result.ref} v${result.version} of ${name} already says this.`;
  return {
    text,
    blocks: [section(text), context(`\`/amos status ${slug}\` shows where it stands.`)],
  };
}

/** The sponsor's DM: a Diagnostic waits on Output Review. */
export function diagnosticAwaitsReview(
  engagement: { slug: string; name: string },
  result: { status: 'submitted' | 'revised'; ref: string; version: number },
  authorId: string,
): Rendered {
  const name = engagementLabel(engagement.slug);
  const what =
    result.status === 'submitted'
      ? `<@${authorId}> submitted ${result.ref} v${result.version} of *${name}* (${esc(engagement.name)}) for Output Review.`
      : `<@${authorId}> revised ${result.ref} of *${name}* to v${result.version}; review this version.`;
  const text = `${what}\nSee it with \`/amos review ${engagement.slug}\`, then confirm or send it back with reasons.`;
  return { text, blocks: [section(text)] };
}

/** The reply to the reviewer and the operator's DM after an Output Review decision. */
export function reviewDecisionMessage(
  decision: {
    decision: 'confirmed' | 'sent_back';
    engagement: { slug: string; operator_id: string };
    diagnostic: { ref: string; version: number } | null;
    withdrawn?: readonly { ref: string }[];
  },
  reviewerId: string,
  text?: string,
): Rendered {
  const { slug } = decision.engagement;
  const name = engagementLabel(slug);
  const which = decision.diagnostic
    ? `${decision.diagnostic.ref} v${decision.diagnostic.version}`
    : 'The Diagnostic';
  const body =
    decision.decision === 'confirmed'
      ? `:white_check_mark: <@${reviewerId}> confirmed ${which} of *${name}* in Output Review${text ? `: “${esc(text)}”` : ''}. It is frozen, and ${name} is now *outputs reviewed*.\n*Next:* <@${decision.engagement.operator_id}> defines the execution requirements (\`/amos scope ${slug}\`).`
      : `:leftwards_arrow_with_hook: <@${reviewerId}> sent ${which} of *${name}* back to draft: “${esc(text ?? '')}”${withdrawnLine(decision.withdrawn ?? [])}\n*Next:* <@${decision.engagement.operator_id}> revises it and submits again (\`/amos diagnostic ${slug}\`).`;
  return {
    text: body.replace(/\*/g, ''),
    blocks: [section(body), context('Written to the decision record.')],
  };
}

/** A line naming the approval requests a send-back withdrew and what happens next, or ''. */
function withdrawnLine(withdrawn: readonly { ref: string }[]): string {
  if (withdrawn.length === 0) return '';
  const refs = withdrawn.map((w) => `*${w.ref}*`).join(', ');
  const verb = withdrawn.length === 1 ? 'was' : 'were';
  const it = withdrawn.length === 1 ? 'it' : 'them';
  return `\n${refs} ${verb} withdrawn, so nobody can approve ${it} any more; after the next Output Review the execution requirements are submitted again (\`/amos scope\`).`;
}
