import type { KnownBlock } from '@slack/types';
import { joinAnd } from '../../domain/text.js';
import { calendarDate } from './dates.js';
import { context, esc, section } from './text.js';

export interface ScopeItemLine {
  readonly ref: string;
  readonly title: string;
  readonly dueDate: string | null;
  readonly criteria: readonly string[];
}

export interface StageLine {
  readonly ref: string;
  readonly name: string;
  readonly dueDate: string | null;
}

const MAX_CRITERIA_SHOWN = 8;

/** One scope item: ref, title, due date, then its acceptance criteria as bullets. */
export function scopeItemText(item: ScopeItemLine): string {
  const shown = item.criteria.slice(0, MAX_CRITERIA_SHOWN).map((c) => `• ${esc(c)}`);
  const more = item.criteria.length - shown.length;
  const criteria =
    item.criteria.length === 0
      ? ['_No acceptance criteria yet._']
      : [...shown, ...(more > 0 ? [`_…and ${more} more_`] : [])];
  const due = item.dueDate ? `due ${calendarDate(item.dueDate)}` : '_no due date_';
  return [`*${item.ref}* ${esc(item.title)} · ${due}`, ...criteria].join('\n');
}

/**
 * The execution requirements as blocks: a section per scope item (at most `maxItems`, then a
 * pointer to the rest) and one section listing the stage checkpoints. At most maxItems + 4 blocks.
 */
export function requirementsBlocks(
  items: readonly ScopeItemLine[],
  stages: readonly StageLine[],
  options: { maxItems?: number; moreHint?: string } = {},
): KnownBlock[] {
  const maxItems = options.maxItems ?? 12;
  const blocks: KnownBlock[] = [];
  if (items.length === 0) {
    blocks.push(section('*Scope items*\n_None yet._'));
  } else {
    blocks.push(section(`*Scope items* (${items.length})`));
    for (const item of items.slice(0, maxItems)) blocks.push(section(scopeItemText(item)));
    if (items.length > maxItems) {
      const hint = options.moreHint ? ` ${options.moreHint}` : '';
      blocks.push(context(`…and ${items.length - maxItems} more scope items.${hint}`));
    }
  }
  const stageLines = stages.map(
    (s) => `*${s.ref}* ${esc(s.name)} · ${s.dueDate ? calendarDate(s.dueDate) : '_no date_'}`,
  );
  blocks.push(
    section(
      stages.length === 0
        ? '*Stage checkpoints*\n_None yet._'
        : `*Stage checkpoints* (${stages.length})\n${stageLines.join('\n')}`,
    ),
  );
  return blocks;
}

/** "SC-1 Emails (due 15 Dec 2026) · SC-2 …": a one-line digest of the scope for lists. */
export function scopeDigest(items: readonly ScopeItemLine[], stages: readonly StageLine[]): string {
  const scope = items.map((i) => `${i.ref} ${esc(i.title)} (due ${calendarDate(i.dueDate)})`);
  const checkpoints = `${stages.length} stage ${stages.length === 1 ? 'checkpoint' : 'checkpoints'}`;
  return `${scope.length > 0 ? joinAnd(scope) : 'no scope items'}; ${checkpoints}.`;
}
