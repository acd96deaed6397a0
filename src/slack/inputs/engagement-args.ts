import { DomainRefusal, refuse } from '../../domain/errors.js';

// Command text after the subcommand name, e.g. `acme-q3 send-back scores need evidence`.

/** The first word as the engagement slug (lower case), or undefined when there is none. */
export function parseSlugArg(args: string): string | undefined {
  const first = args.trim().split(/\s+/)[0] ?? '';
  return first ? first.toLowerCase() : undefined;
}

export type ReviewArgs =
  | { readonly decision: 'show'; readonly slug?: string }
  | { readonly decision: 'confirm'; readonly slug?: string; readonly note?: string }
  | { readonly decision: 'send_back'; readonly slug?: string; readonly reason: string };

const VERBS: Readonly<Record<string, 'confirm' | 'send_back'>> = {
  confirm: 'confirm',
  'send-back': 'send_back',
  sendback: 'send_back',
  send_back: 'send_back',
};

const USAGE =
  'Use `/amos review [slug]` to see the Diagnostic, `/amos review [slug] confirm [note]` to confirm it, or `/amos review [slug] send-back <reason>` to send it back.';

/**
 * `/amos review [slug] [confirm [note] | send-back <reason>]`. Refuses (`invalid_input`) text
 * it cannot read, with the usage; a missing reason is left to the domain, which asks for it.
 */
export function parseReviewArgs(args: string): ReviewArgs {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let slug: string | undefined;
  if (words.length > 0 && !VERBS[(words[0] ?? '').toLowerCase()]) {
    slug = parseSlugArg(words.shift() ?? '');
  }
  const verb = words.shift();
  if (!verb) return { decision: 'show', ...(slug ? { slug } : {}) };
  const decision = VERBS[verb.toLowerCase()];
  if (!decision) throw new DomainRefusal(refuse('invalid_input', USAGE).refusal);
  const text = words.join(' ');
  const where = slug ? { slug } : {};
  if (decision === 'confirm') return { decision, ...where, ...(text ? { note: text } : {}) };
  return { decision, ...where, reason: text };
}
