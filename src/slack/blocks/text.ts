import type { KnownBlock } from '@slack/types';

/** Slack's limit for a section's text; longer text is cut with an ellipsis. */
export const SECTION_TEXT_MAX = 3000;

/**
 * Typed text made inert for mrkdwn (and a message's fallback `text`): `&`, `<` and `>` become
 * entities, as Slack documents, so no typed text can mention, broadcast or link. Apply it once,
 * to the typed value, where it is put into mrkdwn; never to plain_text (Slack shows entities
 * there as typed) nor to an input's initial_value.
 */
export function esc(typed: string): string {
  return typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(markdown: string, blockId?: string): KnownBlock {
  return {
    type: 'section',
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: 'mrkdwn', text: truncate(markdown, SECTION_TEXT_MAX) },
  };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, 150), emoji: true } };
}

export function context(markdown: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(markdown, 3000) }] };
}

/** A reply as Slack expects it: fallback text for notifications plus blocks. */
export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}
