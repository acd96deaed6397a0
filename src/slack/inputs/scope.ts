import { z } from 'zod';
import { DomainRefusal, refuse } from '../../domain/errors.js';
import { parseCriteria } from '../../domain/scope.js';
import type { TextShape } from '../../domain/text.js';
import type { ScopeModalMetadata } from '../blocks/scope.js';
import { SCOPE } from '../ids.js';
import { slugToken } from './slug.js';
import { cleanValue } from './text.js';

// `/amos scope [slug] [add|stage|submit]`, the two scope modals' values and their metadata.

export type ScopeAction = 'view' | 'add' | 'stage' | 'submit';

const ACTIONS: Readonly<Record<string, ScopeAction>> = {
  add: 'add',
  item: 'add',
  stage: 'stage',
  checkpoint: 'stage',
  submit: 'submit',
};

const USAGE =
  'Use `/amos scope [slug]` to see the execution requirements, `/amos scope [slug] add` to add a scope item, `/amos scope [slug] stage` to add a stage checkpoint, `/amos scope [slug] submit` to submit them for approval, or `/amos scope [slug] --version N` to read an approved scope version.';

/** Parses the command text: an optional slug and an optional action, in either order. */
export function parseScopeArgs(args: string): {
  slug?: string;
  action: ScopeAction;
  version?: number;
} {
  let action: ScopeAction | undefined;
  let slug: string | undefined;
  let version: number | undefined;
  const words = args.split(/\s+/).filter(Boolean);
  const flag = words.findIndex((w) => w.toLowerCase() === '--version');
  if (flag !== -1) {
    const n = Number(words[flag + 1]);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new DomainRefusal(refuse('invalid_input', USAGE).refusal);
    version = n;
    words.splice(flag, 2);
  }
  for (const word of words) {
    const named = ACTIONS[word.toLowerCase()];
    if (named && !action) {
      action = named;
      continue;
    }
    const parsed = slugToken.safeParse(word);
    if (slug || !parsed.success) throw new DomainRefusal(refuse('invalid_input', USAGE).refusal);
    slug = parsed.data;
  }
  return {
    action: action ?? 'view',
    ...(slug ? { slug } : {}),
    ...(version ? { version } : {}),
  };
}

const stateValues = z.record(z.string(), z.record(z.string(), z.unknown()));
const textState = z.looseObject({ value: z.unknown() });
const dateState = z.looseObject({ selected_date: z.string().nullish() });

function element(values: unknown, blockId: string, actionId: string): unknown {
  const parsed = stateValues.safeParse(values);
  return parsed.success ? parsed.data[blockId]?.[actionId] : undefined;
}

function text(
  values: unknown,
  blockId: string,
  actionId: string,
  shape: TextShape = 'line',
): string | undefined {
  const parsed = textState.safeParse(element(values, blockId, actionId));
  const value = parsed.success ? parsed.data.value : undefined;
  return typeof value === 'string' ? cleanValue(value, shape) : undefined;
}

function date(values: unknown, blockId: string, actionId: string): string | undefined {
  const parsed = dateState.safeParse(element(values, blockId, actionId));
  return (parsed.success ? parsed.data.selected_date : undefined) ?? undefined;
}

/** The "Add scope item" modal's values (criteria split one per line); validation is the domain's. */
export function parseScopeItemForm(values: unknown): {
  title?: string;
  criteria: string[];
  dueDate?: string;
} {
  const title = text(values, SCOPE.titleBlock, SCOPE.titleAction);
  const dueDate = date(values, SCOPE.dueBlock, SCOPE.dueAction);
  return {
    ...(title !== undefined ? { title } : {}),
    criteria: parseCriteria(text(values, SCOPE.criteriaBlock, SCOPE.criteriaAction, 'lines')),
    ...(dueDate ? { dueDate } : {}),
  };
}

/** The "Add stage checkpoint" modal's values. */
export function parseStageForm(values: unknown): { name?: string; dueDate?: string } {
  const name = text(values, SCOPE.stageNameBlock, SCOPE.stageNameAction);
  const dueDate = date(values, SCOPE.stageDateBlock, SCOPE.stageDateAction);
  return { ...(name !== undefined ? { name } : {}), ...(dueDate ? { dueDate } : {}) };
}

/** Which block shows each domain field's inline error. */
export const SCOPE_ITEM_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  title: SCOPE.titleBlock,
  criteria: SCOPE.criteriaBlock,
  dueDate: SCOPE.dueBlock,
};
export const STAGE_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  name: SCOPE.stageNameBlock,
  dueDate: SCOPE.stageDateBlock,
};

const metadata = z.object({
  slug: slugToken,
  responseUrl: z.string().max(2000).optional(),
  replace: z.boolean().optional(),
});

/** The scope modal's private_metadata, or undefined when it is not ours. */
export function parseScopeMetadata(raw: string | undefined): ScopeModalMetadata | undefined {
  try {
    const parsed = metadata.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
