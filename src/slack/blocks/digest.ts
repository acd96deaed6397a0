import type { KnownBlock } from '@slack/types';
import { type DigestEngagement, describeDuration, type WeeklyDigest } from '../../domain/digest.js';
import { engagementLabel, STAGE_LABELS } from '../../domain/engagement.js';
import { subjectText } from './approval.js';
import { calendarDate, slackDate } from './dates.js';
import { context, esc, header, type Rendered, section, truncate } from './text.js';

/** Engagements shown in full; each takes two blocks, well under Slack's 50 per message. */
export const DIGEST_ENGAGEMENTS_MAX = 20;
/** Overdue items and waiting requests listed per engagement before "and n more". */
const LINES_MAX = 5;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const shown = items.slice(0, LINES_MAX).map(line);
  if (items.length > LINES_MAX) shown.push(`  …and ${items.length - LINES_MAX} more`);
  return shown;
}

function engagementBlocks(e: DigestEngagement): KnownBlock[] {
  const lines = [
    `*${engagementLabel(e.slug)}* · ${esc(truncate(e.name, 200))}`,
    `*${STAGE_LABELS[e.stage]}* for ${describeDuration(e.timeAtGate)} (since ${slackDate(e.stageSince)})`,
  ];
  if (e.waitingOnYou.length > 0) {
    lines.push('*Waiting on you:*');
    lines.push(
      ...listed(
        e.waitingOnYou,
        (w) =>
          `• ${w.ref} ${subjectText({ subject: w.subject })}, requested ${slackDate(w.requestedAt)}: \`/amos approve ${w.ref}\``,
      ),
    );
  }
  if (e.overdue.length > 0) {
    lines.push('*Overdue:*');
    lines.push(
      ...listed(
        e.overdue,
        (o) => `• ${o.ref} ${esc(truncate(o.title, 150))}, due ${calendarDate(o.dueDate)}`,
      ),
    );
  }
  const head = e.head
    ? `Decision record head: seq ${e.head.seq} · hash \`${e.head.hash}\``
    : 'Decision record: no records yet';
  return [section(lines.join('\n')), context(head)];
}

/**
 * The weekly digest DM: a summary line, each engagement (stage and time at its gate, what waits
 * on the reader, what is overdue, the decision record's head), and how to use the heads as
 * anchors. Typed text (names, titles) is escaped; at most DIGEST_ENGAGEMENTS_MAX engagements.
 */
export function weeklyDigestMessage(digest: WeeklyDigest): Rendered {
  const { engagements } = digest;
  const summary =
    engagements.length === 0
      ? 'You have no engagements in progress.'
      : `${plural(engagements.length, 'engagement', 'engagements')} in progress · ${plural(digest.waitingCount, 'request waits', 'requests wait')} on you · ${plural(digest.overdueCount, 'item', 'items')} overdue.`;
  const shown = engagements.slice(0, DIGEST_ENGAGEMENTS_MAX);
  const blocks: KnownBlock[] = [header('Your weekly AMOS digest'), section(summary)];
  for (const e of shown) blocks.push(...engagementBlocks(e));
  if (engagements.length > shown.length) {
    blocks.push(
      context(
        `…and ${engagements.length - shown.length} more: \`/amos status\` lists every engagement.`,
      ),
    );
  }
  if (shown.some((e) => e.head)) {
    blocks.push(
      context(
        `Keep these heads outside AMOS: \`npx amos verify-log --anchors FILE\`, with one line per engagement such as {"team":"${digest.teamId}","engagement":"${shown[0]?.slug ?? 'slug'}","seq":…,"hash":"…"}, reports a decision record that was cut short or rewritten.`,
      ),
    );
  }
  return { text: `Your weekly AMOS digest: ${summary}`, blocks };
}
