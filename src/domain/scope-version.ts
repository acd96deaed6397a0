import { ok, type Result, refuse } from './errors.js';
import { joinAnd } from './text.js';

/** One scope item as approved in a scope version. */
export interface VersionedScopeItem {
  readonly ref: string;
  readonly title: string;
  readonly criteria: readonly string[];
  /** YYYY-MM-DD */
  readonly dueDate: string | null;
}

/** The approved scope at one moment: version 1 is the approved execution requirements. */
export interface ScopeVersion {
  readonly version: number;
  readonly items: readonly VersionedScopeItem[];
  /** The change request that made it (CR-n); null for version 1. */
  readonly changeRef: string | null;
}

/** What a scope change request asks for: items to add, and changes to existing items. */
export interface ScopeAmendment {
  readonly add: readonly { title: string; criteria: readonly string[]; dueDate: string }[];
  readonly amend: readonly {
    ref: string;
    title?: string;
    criteria?: readonly string[];
    dueDate?: string;
  }[];
}

export interface AmendedScope {
  readonly version: ScopeVersion;
  /** Refs added and refs changed, for the record and the partner channel's notice. */
  readonly added: readonly string[];
  readonly amended: readonly string[];
}

/**
 * Applies an approved change request's amendment to the current version, returning the next
 * version (the current one is not changed, so it stays readable as it was). New items take
 * `newRefs` in order. Refuses `invalid_input` when the amendment names an item that is not in
 * the current version, changes nothing, or would give two items one title.
 */
export function amendScope(
  current: ScopeVersion,
  amendment: ScopeAmendment,
  changeRef: string,
  newRefs: readonly string[],
): Result<AmendedScope> {
  if (amendment.add.length === 0 && amendment.amend.length === 0) {
    return refuse('invalid_input', `${changeRef} adds or changes no scope item.`);
  }
  if (newRefs.length !== amendment.add.length) {
    return refuse('invalid_input', `${changeRef} needs one new reference per added item.`);
  }
  const known = new Set(current.items.map((i) => i.ref));
  const unknown = amendment.amend.map((a) => a.ref).filter((ref) => !known.has(ref));
  if (unknown.length > 0) {
    return refuse(
      'invalid_input',
      `${changeRef} changes ${joinAnd(unknown)}, which ${unknown.length === 1 ? 'is' : 'are'} not in scope version ${current.version}.`,
    );
  }
  const items = current.items.map((item) => {
    const change = amendment.amend.find((a) => a.ref === item.ref);
    if (!change) return item;
    return {
      ref: item.ref,
      title: change.title ?? item.title,
      criteria: change.criteria ?? item.criteria,
      dueDate: change.dueDate ?? item.dueDate,
    };
  });
  const added = amendment.add.map((a, i) => ({
    ref: newRefs[i] as string,
    title: a.title,
    criteria: a.criteria,
    dueDate: a.dueDate,
  }));
  const all = [...items, ...added];
  const titles = all.map((i) => i.title.trim().toLowerCase());
  const clash = all.find((item, i) => titles.indexOf(item.title.trim().toLowerCase()) !== i);
  if (clash) {
    return refuse(
      'invalid_input',
      `${changeRef} would give two scope items the title "${clash.title}"; give each a different one.`,
    );
  }
  return ok({
    version: { version: current.version + 1, items: all, changeRef },
    added: added.map((i) => i.ref),
    amended: amendment.amend.map((a) => a.ref),
  });
}

/** The item `ref` as the version holds it, or undefined when it is not in that version's scope. */
export function itemInScope(version: ScopeVersion, ref: string): VersionedScopeItem | undefined {
  return version.items.find((i) => i.ref === ref);
}
