/** Short per-engagement references (PRODUCT.md section 6). */
export const REF_KINDS = ['DX', 'EX', 'SC', 'ST', 'CR', 'DL', 'SR', 'RK', 'ES'] as const;
export type RefKind = (typeof REF_KINDS)[number];

/** What each kind of reference names. */
export const REF_KIND_LABELS: Readonly<Record<RefKind, string>> = {
  DX: 'diagnostic',
  EX: 'execution requirements',
  SC: 'scope item',
  ST: 'stage checkpoint',
  CR: 'change request',
  DL: 'deliverable',
  SR: 'stage review',
  RK: 'risk',
  ES: 'escalation',
};

export interface ParsedRef {
  readonly kind: RefKind;
  readonly n: number;
}

/** True when `value` is one of the reference kinds (upper case). */
export function isRefKind(value: string): value is RefKind {
  return (REF_KINDS as readonly string[]).includes(value);
}

/** Formats `kind` and a positive integer as "SC-3"; throws RangeError on a non-positive or fractional n. */
export function formatRef(kind: RefKind, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`A reference number must be a positive integer, got ${n}.`);
  }
  return `${kind}-${n}`;
}

const REF_PATTERN = /^([a-z]{2})[-\s]?0*([1-9]\d{0,8})$/i;

/** Parses "SC-3", "sc-3", "SC3" or "sc 3" (surrounding spaces ignored); null when it is not a reference. */
export function parseRef(text: string): ParsedRef | null {
  const match = REF_PATTERN.exec(text.trim());
  if (!match) return null;
  const kind = (match[1] ?? '').toUpperCase();
  if (!isRefKind(kind)) return null;
  return { kind, n: Number(match[2]) };
}

/** Normalises any accepted spelling to the canonical "SC-3" form, or null. */
export function normalizeRef(text: string): string | null {
  const parsed = parseRef(text);
  return parsed ? formatRef(parsed.kind, parsed.n) : null;
}
