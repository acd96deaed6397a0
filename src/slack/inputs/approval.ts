import { z } from 'zod';
import { normalizeRef, parseRef } from '../../domain/refs.js';
import { slugToken } from './slug.js';
import { cleanValue } from './text.js';

// `/amos approve [slug] [REF] [note]`, `/amos reject [slug] REF <reason>`, and the reject
// modal's metadata and reason.

export type ApprovalArgs =
  | { readonly kind: 'list'; readonly slug?: string }
  | {
      readonly kind: 'decide';
      readonly ref: string;
      readonly slug?: string;
      readonly note?: string;
    }
  | { readonly kind: 'unclear' };

/** Words of the text, with a reference typed with a space ("EX 1") joined; `raw` counts the words each took. */
function words(text: string): { word: string; raw: number }[] {
  const raw = text.split(/\s+/).filter(Boolean);
  const out: { word: string; raw: number }[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const word = raw[i] ?? '';
    const next = raw[i + 1];
    if (out.length < 2 && /^[a-z]{2}$/i.test(word) && next && /^\d+$/.test(next)) {
      out.push({ word: `${word}-${next}`, raw: 2 });
      i += 1;
    } else out.push({ word, raw: 1 });
  }
  return out;
}

/** The text after the first `count` words, as typed. */
function after(text: string, count: number): string {
  return text
    .trim()
    .replace(new RegExp(`^(?:\\S+\\s*){${count}}`), '')
    .trim();
}

/**
 * Reads the text after `approve` / `reject`: nothing (or just a slug) lists what waits; a
 * reference, optionally after a slug, decides it with the rest as the note or reason.
 */
export function parseApprovalArgs(args: string): ApprovalArgs {
  const tokens = words(args);
  const [first, second] = tokens;
  if (first === undefined) return { kind: 'list' };
  if (parseRef(first.word)) {
    const note = after(args, first.raw);
    return {
      kind: 'decide',
      ref: normalizeRef(first.word) ?? first.word,
      ...(note ? { note } : {}),
    };
  }
  const slug = slugToken.safeParse(first.word);
  if (!slug.success) return { kind: 'unclear' };
  if (second === undefined) return { kind: 'list', slug: slug.data };
  if (parseRef(second.word)) {
    const note = after(args, first.raw + second.raw);
    return {
      kind: 'decide',
      ref: normalizeRef(second.word) ?? second.word,
      slug: slug.data,
      ...(note ? { note } : {}),
    };
  }
  return { kind: 'unclear' };
}

const rejectMetadata = z.object({
  id: z.uuid(),
  channelId: z.string().max(40).optional(),
  messageTs: z.string().max(40).optional(),
  responseUrl: z.string().max(2000).optional(),
});
export type RejectModalMetadata = z.infer<typeof rejectMetadata>;

/** The reject modal's private_metadata, or undefined when it is not ours. */
export function parseRejectMetadata(raw: string | undefined): RejectModalMetadata | undefined {
  try {
    const parsed = rejectMetadata.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const reasonState = z.looseObject({ value: z.unknown() });

/** The reason typed in the reject modal ('' when nothing). */
export function parseRejectReason(values: unknown, blockId: string, actionId: string): string {
  const blocks = z.record(z.string(), z.record(z.string(), z.unknown())).safeParse(values);
  const parsed = reasonState.safeParse(
    blocks.success ? blocks.data[blockId]?.[actionId] : undefined,
  );
  return cleanValue(parsed.success ? parsed.data.value : undefined, 'lines');
}
