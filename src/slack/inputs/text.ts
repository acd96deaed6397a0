import { z } from 'zod';
import { cleanTypedText, type TextShape } from '../../domain/text.js';

// The one normalisation for text people type, at the input boundary: every modal field and
// the `/amos` command text go through it before anything is parsed, checked or stored.

/** Slack sends typed `&`, `<` and `>` in command text as entities (its markup is `<…>`). */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * A zod schema for one typed field: cleaned (`cleanTypedText`), then held to `max` characters
 * with a message that names the limit (the modal's max_length and hint say the same number).
 */
export function typedText(shape: TextShape, max?: number) {
  const cleaned = z
    .string()
    .nullish()
    .transform((value) => cleanTypedText(value ?? '', shape));
  return max === undefined
    ? cleaned
    : cleaned.pipe(z.string().max(max, `At most ${max} characters, please.`));
}

/** The typed value of a field, cleaned; '' when it is missing or not text. */
export function cleanValue(value: unknown, shape: TextShape): string {
  const parsed = typedText(shape).safeParse(value);
  return parsed.success ? parsed.data : '';
}
