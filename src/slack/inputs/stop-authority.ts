// `/amos pause [slug] <reason>`, `/amos resume [slug]`, `/amos terminate [slug] <reason>`: the
// first word may be the slug or the reason's first word; the service decides which (an
// engagement with that slug exists, or the command was typed in a partner channel).

/** The command text split at its first word, the word lower-cased as a slug would be. */
export function parseStopArgs(args: string): { word?: string; rest: string; whole: string } {
  const whole = args.trim();
  const space = whole.search(/\s/);
  const first = space === -1 ? whole : whole.slice(0, space);
  const rest = space === -1 ? '' : whole.slice(space).trim();
  return { ...(first ? { word: first.toLowerCase() } : {}), rest, whole };
}
