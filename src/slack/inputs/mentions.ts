// Slack escapes mentions in slash-command text (should_escape): `<@U123|name>` or `<@U123>`.
const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** The Slack user ids mentioned in `text`, in order of first mention, each once. */
export function parseUserMentions(text: string): string[] {
  return [...new Set([...text.matchAll(USER_MENTION)].map((m) => m[1] as string))];
}

/** `text` with every user mention removed and runs of whitespace collapsed to one space. */
export function withoutUserMentions(text: string): string {
  return text.replace(USER_MENTION, ' ').replace(/\s+/g, ' ').trim();
}

/** True when `text` holds an `@name` that Slack did not turn into a mention (an unknown user). */
export function hasUnresolvedMention(text: string): boolean {
  return /(^|\s)@\S+/.test(withoutUserMentions(text));
}
