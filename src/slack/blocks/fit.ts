import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  FIT_CRITERIA,
  FIT_EVIDENCE_MAX,
  FIT_VERDICT_LABELS,
  type FitCriterion,
  fitCriterionLabel,
} from '../../domain/fit.js';

import type { FitOutcome, FitTarget } from '../../services/fit-service.js';
import { FIT } from '../ids.js';
import { FIT_CHOICE, fitMetadata } from '../inputs/fit.js';
import { context, esc, header, type Rendered, section } from './text.js';

/** Longest evidence note accepted per criterion (the rule is the domain's). */
export { FIT_EVIDENCE_MAX };

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

const OPTIONS: Record<'yes' | 'no', PlainTextOption> = {
  yes: { text: plain('Yes'), value: FIT_CHOICE.yes },
  no: { text: plain('No'), value: FIT_CHOICE.no },
};

function criterionBlocks(criterion: FitCriterion, target: FitTarget): KnownBlock[] {
  const previous = target.latest?.answers[criterion.key];
  const initial = previous ? OPTIONS[previous.holds ? 'yes' : 'no'] : undefined;
  const flag = criterion.kind === 'red_flag';
  return [
    {
      type: 'input',
      block_id: FIT.holdsBlock(criterion.key),
      label: plain(`${criterion.label}: ${criterion.description}`),
      hint: plain(
        flag
          ? 'Yes means this red flag holds for the partner.'
          : 'Yes means the partner shows this signal.',
      ),
      element: {
        type: 'radio_buttons',
        action_id: FIT.holdsAction,
        options: [OPTIONS.yes, OPTIONS.no],
        ...(initial ? { initial_option: initial } : {}),
      },
    },
    {
      type: 'input',
      block_id: FIT.evidenceBlock(criterion.key),
      optional: true,
      label: plain(`Evidence: ${criterion.label}`),
      hint: plain(
        `Required when you answer Yes: what you saw or were told, and where. At most ${FIT_EVIDENCE_MAX} characters.`,
      ),
      element: {
        type: 'plain_text_input',
        action_id: FIT.evidenceAction,
        multiline: true,
        max_length: FIT_EVIDENCE_MAX,
        ...(previous?.evidence ? { initial_value: previous.evidence } : {}),
      },
    },
  ];
}

/**
 * The fit assessment modal for one organisation: each of the ten criteria as a yes/no choice
 * with an evidence note (prefilled from the latest assessment), the org id in private_metadata.
 */
export function fitAssessmentView(target: FitTarget): ModalView {
  const latest = target.latest;
  const intro = `*${esc(target.org.name)}*: answer every criterion and give the evidence for each one you answer *Yes*. The verdict is *fit* when all five signals hold and no red flag does, *not a fit* when any red flag holds, and otherwise *needs conversation* to confirm expectations. Only a *fit* partner can be activated.`;
  const signals = FIT_CRITERIA.filter((c) => c.kind === 'signal');
  const flags = FIT_CRITERIA.filter((c) => c.kind === 'red_flag');
  return {
    type: 'modal',
    callback_id: FIT.callbackId,
    private_metadata: fitMetadata(target.org.id),
    title: plain('Partner fit'),
    submit: plain('Record verdict'),
    close: plain('Cancel'),
    blocks: [
      section(intro, FIT.introBlock),
      ...(latest
        ? [
            context(
              `Prefilled from assessment v${latest.version} (${FIT_VERDICT_LABELS[latest.verdict]}) by <@${latest.assessedBy}>. Submitting records v${latest.version + 1}.`,
            ),
          ]
        : []),
      header('Fit signals'),
      ...signals.flatMap((c) => criterionBlocks(c, target)),
      { type: 'divider' },
      header('Red flags'),
      ...flags.flatMap((c) => criterionBlocks(c, target)),
    ],
  };
}

function reasonLines(outcome: FitOutcome): string[] {
  const { assessment } = outcome;
  if (assessment.verdict === 'fit') return ['All five fit signals hold and no red flag does.'];
  const lines: string[] = [];
  if (assessment.redFlags.length > 0) {
    lines.push(`Red flags: ${assessment.redFlags.map(fitCriterionLabel).join(', ')}.`);
  }
  if (assessment.missingSignals.length > 0) {
    lines.push(
      `Signals not shown: ${assessment.missingSignals.map(fitCriterionLabel).join(', ')}.`,
    );
  }
  return lines;
}

const NEXT_STEP: Record<FitOutcome['assessment']['verdict'], string> = {
  fit: 'The organisation can now be activated on an approved engagement.',
  not_fit:
    'It cannot be activated on an engagement. A later assessment without red flags can change that.',
  needs_conversation:
    'Next step: a conversation with the partner to confirm expectations, then record a new assessment with `/amos fit`. It cannot be activated until the verdict is *fit*.',
};

/** The DM to the assessor: the verdict, why, what it changed, and what happens next. */
export function fitVerdictMessage(outcome: FitOutcome): Rendered {
  const verdict = FIT_VERDICT_LABELS[outcome.assessment.verdict];
  const previous = outcome.previous
    ? ` (was *${FIT_VERDICT_LABELS[outcome.previous.verdict]}* in v${outcome.previous.version})`
    : '';
  const headline = `Fit assessment v${outcome.version} of *${esc(outcome.org.name)}*: *${verdict}*${previous}.`;
  const why = reasonLines(outcome);
  const text = [headline, ...why, NEXT_STEP[outcome.assessment.verdict]].join('\n');
  return {
    text,
    blocks: [
      section(headline),
      section(why.join('\n')),
      context(`${NEXT_STEP[outcome.assessment.verdict]} Recorded in the decision record.`),
    ],
  };
}
