import { z } from 'zod';
import type { ChangeRequestInput } from '../../domain/change-request.js';
import { DomainRefusal, refuse } from '../../domain/errors.js';
import { normalizeRef, parseRef } from '../../domain/refs.js';
import { parseCriteria } from '../../domain/scope.js';
import type { DeliveryModalMetadata } from '../blocks/governed-delivery.js';
import { DELIVERY } from '../ids.js';
import { ModalValues } from './modal-values.js';
import { slugToken } from './slug.js';

// `/amos change`, `/amos deliver`, `/amos stage`: command text, modal values and metadata.

const dateState = z.looseObject({ selected_date: z.string().nullish() });
const stateValues = z.record(z.string(), z.record(z.string(), z.unknown()));

function date(values: unknown, blockId: string): string | undefined {
  const parsed = stateValues.safeParse(values);
  const element = parsed.success ? parsed.data[blockId]?.[DELIVERY.inputAction] : undefined;
  const state = dateState.safeParse(element);
  return (state.success ? state.data.selected_date : undefined) ?? undefined;
}

function invalid(message: string): never {
  throw new DomainRefusal(refuse('invalid_input', message).refusal);
}

/** Splits off a leading slug: `acme-q3 ST-1 done` -> slug and the rest. A ref is never a slug. */
function takeSlug(words: string[]): { slug?: string; rest: string[] } {
  const [first, ...rest] = words;
  if (first && !parseRef(first)) {
    const slug = slugToken.safeParse(first);
    if (slug.success && !['review'].includes(slug.data)) return { slug: slug.data, rest };
  }
  return { rest: words };
}

/** `/amos change [slug]`. */
export function parseChangeArgs(args: string): { slug?: string } {
  const words = args.split(/\s+/).filter(Boolean);
  const { slug, rest } = takeSlug(words);
  if (rest.length > 0) invalid('Use `/amos change [slug]`: the form asks for the rest.');
  return slug ? { slug } : {};
}

/** `/amos deliver [slug]` opens the form; `/amos deliver [slug] review DL-n` the review. */
export function parseDeliverArgs(args: string): { slug?: string; review?: string } {
  const { slug, rest } = takeSlug(args.split(/\s+/).filter(Boolean));
  const base = slug ? { slug } : {};
  if (rest.length === 0) return base;
  const [verb, ref, ...extra] = rest;
  const normal = normalizeRef(ref ?? '');
  if (verb?.toLowerCase() !== 'review' || !normal?.startsWith('DL-') || extra.length > 0) {
    invalid(
      'Use `/amos deliver [slug]` to submit a deliverable, or `/amos deliver [slug] review DL-n` to review one.',
    );
  }
  return { ...base, review: normal };
}

/** `/amos stage [slug] ST-n <outcome>` (an old SR-n checkpoint ref is accepted too). */
export function parseStageArgs(args: string): {
  slug?: string;
  checkpointRef: string;
  outcome: string;
} {
  const { slug, rest } = takeSlug(args.split(/\s+/).filter(Boolean));
  const [ref, ...outcome] = rest;
  const normal = normalizeRef(ref ?? '');
  if (!normal || !(normal.startsWith('ST-') || normal.startsWith('SR-'))) {
    invalid(
      'Use `/amos stage [slug] ST-n <outcome>`: the checkpoint and what the stage delivered.',
    );
  }
  return { ...(slug ? { slug } : {}), checkpointRef: normal, outcome: outcome.join(' ') };
}

/** The change request modal's values; validation is the domain's. */
export function parseChangeForm(values: unknown): ChangeRequestInput {
  const v = new ModalValues(values, DELIVERY.inputAction);
  const b = DELIVERY.change;
  const addTitle = v.text(b.addTitle);
  const addCriteria = parseCriteria(v.text(b.addCriteria, 'lines'));
  const addDue = date(values, b.addDue);
  const amendRef = v.option(b.amendRef);
  const amendTitle = v.text(b.amendTitle);
  const amendCriteria = parseCriteria(v.text(b.amendCriteria, 'lines'));
  const amendDue = date(values, b.amendDue);
  const adding = addTitle || addCriteria.length > 0 || addDue;
  const type = v.option(b.type);
  return {
    ...(type ? { type } : {}),
    description: v.text(b.description, 'lines'),
    impact: v.text(b.impact, 'lines'),
    rationale: v.text(b.rationale, 'lines'),
    add: adding
      ? [{ title: addTitle, criteria: addCriteria, ...(addDue ? { dueDate: addDue } : {}) }]
      : [],
    amend: amendRef
      ? [
          {
            ref: amendRef,
            ...(amendTitle ? { title: amendTitle } : {}),
            ...(amendCriteria.length > 0 ? { criteria: amendCriteria } : {}),
            ...(amendDue ? { dueDate: amendDue } : {}),
          },
        ]
      : [],
  };
}

export const CHANGE_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  type: DELIVERY.change.type,
  description: DELIVERY.change.description,
  impact: DELIVERY.change.impact,
  rationale: DELIVERY.change.rationale,
  items: DELIVERY.change.addTitle,
};

/** The deliverable modal's values. */
export function parseDeliverForm(values: unknown): {
  scopeRef?: string;
  link: string;
  summary: string;
} {
  const v = new ModalValues(values, DELIVERY.inputAction);
  const scopeRef = v.option(DELIVERY.deliver.item);
  return {
    ...(scopeRef ? { scopeRef } : {}),
    link: v.text(DELIVERY.deliver.link),
    summary: v.text(DELIVERY.deliver.summary, 'lines'),
  };
}

export const DELIVER_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  item: DELIVERY.deliver.item,
  link: DELIVERY.deliver.link,
  summary: DELIVERY.deliver.summary,
};

/** The review modal's answers, one per criterion (undefined when nothing was picked). */
export function parseReviewForm(
  values: unknown,
  count: number,
): ({ met?: boolean; note?: string } | undefined)[] {
  const v = new ModalValues(values, DELIVERY.inputAction);
  return Array.from({ length: count }, (_, i) => {
    const picked = v.option(DELIVERY.criterionBlock(i));
    const note = v.text(DELIVERY.criterionNoteBlock(i));
    if (picked !== 'met' && picked !== 'not_met') return note ? { note } : undefined;
    return { met: picked === 'met', ...(note ? { note } : {}) };
  });
}

/** Field errors of the review (`criterion-<i>`) shown on each criterion's note, or its select. */
export function reviewFieldBlocks(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`criterion-${i}`, DELIVERY.criterionNoteBlock(i)]),
  );
}

const metadata = z.object({
  slug: slugToken,
  responseUrl: z.string().max(2000).optional(),
  ref: z.string().max(20).optional(),
  version: z.number().int().positive().optional(),
});

/** A governed-delivery modal's private_metadata, or undefined when it is not ours. */
export function parseDeliveryMetadata(raw: string | undefined): DeliveryModalMetadata | undefined {
  try {
    const parsed = metadata.parse(JSON.parse(raw ?? ''));
    return {
      slug: parsed.slug,
      ...(parsed.responseUrl ? { responseUrl: parsed.responseUrl } : {}),
      ...(parsed.ref ? { ref: parsed.ref } : {}),
      ...(parsed.version ? { version: parsed.version } : {}),
    };
  } catch {
    return undefined;
  }
}
