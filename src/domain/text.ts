/** Joins items as English prose: "A", "A and B", "A, B and C". */
export function joinAnd(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Upper-cases the first character only. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** True when `text` has something other than whitespace. */
export function isPresent(text: string | undefined | null): text is string {
  return typeof text === 'string' && text.trim().length > 0;
}
