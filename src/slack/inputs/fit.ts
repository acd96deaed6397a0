import { z } from 'zod';
import { FIT_CRITERIA, type FitAnswer, type FitCriterionKey } from '../../domain/fit.js';
import { FIT } from '../ids.js';
import { cleanValue } from './text.js';

/** The values of the yes/no choice (radio buttons or a static select). */
export const FIT_CHOICE = { yes: 'yes', no: 'no' } as const;

const choice = z.looseObject({
  selected_option: z.looseObject({ value: z.string() }).nullish(),
});
const text = z.looseObject({ value: z.unknown() });
const stateValues = z.record(z.string(), z.record(z.string(), z.unknown()));

const metadata = z.object({ partnerOrgId: z.string().min(1) });

/** The modal's private_metadata: which organisation is assessed. */
export function fitMetadata(partnerOrgId: string): string {
  return JSON.stringify({ partnerOrgId });
}

/** The organisation id carried in private_metadata, or undefined when it is not ours. */
export function parseFitMetadata(raw: string | undefined): string | undefined {
  try {
    return metadata.parse(JSON.parse(raw ?? '')).partnerOrgId;
  } catch {
    return undefined;
  }
}

/**
 * The answers in a submitted fit modal's `view.state.values`. A criterion with no yes/no chosen
 * is left out (the domain then asks for it); evidence is cleaned typed text.
 */
export function parseFitAnswers(values: unknown): Partial<Record<FitCriterionKey, FitAnswer>> {
  const state = stateValues.safeParse(values);
  const blocks = state.success ? state.data : {};
  const answers: Partial<Record<FitCriterionKey, FitAnswer>> = {};
  for (const { key } of FIT_CRITERIA) {
    const picked = choice.safeParse(blocks[FIT.holdsBlock(key)]?.[FIT.holdsAction]);
    const value = picked.success ? picked.data.selected_option?.value : undefined;
    if (value !== FIT_CHOICE.yes && value !== FIT_CHOICE.no) continue;
    const typed = text.safeParse(blocks[FIT.evidenceBlock(key)]?.[FIT.evidenceAction]);
    answers[key] = {
      holds: value === FIT_CHOICE.yes,
      evidence: cleanValue(typed.success ? typed.data.value : undefined, 'lines'),
    };
  }
  return answers;
}

/**
 * Where each criterion's error belongs in the modal: on the yes/no choice while it is
 * unanswered, otherwise on the evidence note.
 */
export function fitErrorBlocks(
  answers: Partial<Record<FitCriterionKey, FitAnswer>>,
): Record<string, string> {
  return Object.fromEntries(
    FIT_CRITERIA.map(({ key }) => [
      key,
      answers[key] ? FIT.evidenceBlock(key) : FIT.holdsBlock(key),
    ]),
  );
}
