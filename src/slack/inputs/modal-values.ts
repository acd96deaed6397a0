import { z } from 'zod';
import type { TextShape } from '../../domain/text.js';
import { cleanValue } from './text.js';

// Slack's view.state.values: { [block_id]: { [action_id]: element state } }. Every reader
// here tolerates a missing block or an unexpected shape, returning "nothing entered".

const stateValues = z.record(z.string(), z.record(z.string(), z.unknown()));
const text = z.looseObject({ value: z.unknown() });
const user = z.looseObject({ selected_user: z.string().nullish() });
const users = z.looseObject({ selected_users: z.array(z.string()).nullish() });
const option = z.looseObject({
  selected_option: z.looseObject({ value: z.string() }).nullish(),
});
const conversation = z.looseObject({ selected_conversation: z.string().nullish() });

/** Reads one modal's submitted values. */
export class ModalValues {
  private readonly blocks: Record<string, Record<string, unknown>>;

  constructor(
    values: unknown,
    private readonly actionId: string,
  ) {
    const parsed = stateValues.safeParse(values);
    this.blocks = parsed.success ? parsed.data : {};
  }

  private element(blockId: string): unknown {
    return this.blocks[blockId]?.[this.actionId];
  }

  /** A text or number input's value, cleaned as typed text of that shape ('' when empty). */
  text(blockId: string, shape: TextShape = 'line'): string {
    const parsed = text.safeParse(this.element(blockId));
    return cleanValue(parsed.success ? parsed.data.value : undefined, shape);
  }

  /** A users_select's user id, or undefined. */
  user(blockId: string): string | undefined {
    const parsed = user.safeParse(this.element(blockId));
    return (parsed.success ? parsed.data.selected_user : undefined) ?? undefined;
  }

  /** A multi_users_select's user ids, each once. */
  users(blockId: string): string[] {
    const parsed = users.safeParse(this.element(blockId));
    return [...new Set((parsed.success ? parsed.data.selected_users : undefined) ?? [])];
  }

  /** A static_select's chosen value, or undefined. */
  option(blockId: string): string | undefined {
    const parsed = option.safeParse(this.element(blockId));
    return (parsed.success ? parsed.data.selected_option?.value : undefined) ?? undefined;
  }

  /** A conversations_select's channel id, or undefined. */
  conversation(blockId: string): string | undefined {
    const parsed = conversation.safeParse(this.element(blockId));
    return (parsed.success ? parsed.data.selected_conversation : undefined) ?? undefined;
  }
}

/** Inline errors keyed by block id from errors keyed by field, cut to Slack's limit. */
export function errorsByBlock(
  fieldErrors: Readonly<Record<string, string>>,
  blockOf: Readonly<Record<string, string>>,
  fallbackBlock: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(fieldErrors)) {
    const block = blockOf[field] ?? fallbackBlock;
    errors[block] ??= message.slice(0, 2000);
  }
  return errors;
}

const engagementMeta = z.object({ engagementId: z.string().min(1), slug: z.string().optional() });

/** private_metadata (or a button value) carrying the engagement a modal or button is about. */
export function engagementMetadata(engagementId: string, slug?: string): string {
  return JSON.stringify(slug ? { engagementId, slug } : { engagementId });
}

/** The engagement in private_metadata or a button value, or undefined when it is not ours. */
export function parseEngagementRef(
  raw: string | undefined,
): { engagementId: string; slug?: string } | undefined {
  try {
    const parsed = engagementMeta.parse(JSON.parse(raw ?? ''));
    return parsed.slug
      ? { engagementId: parsed.engagementId, slug: parsed.slug }
      : { engagementId: parsed.engagementId };
  } catch {
    return undefined;
  }
}

/** The engagement id in a modal's private_metadata, or undefined when it is not ours. */
export function parseEngagementMetadata(raw: string | undefined): string | undefined {
  return parseEngagementRef(raw)?.engagementId;
}
