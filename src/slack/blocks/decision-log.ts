import type { KnownBlock } from '@slack/types';
import type { ChainedRecord } from '../../domain/decision-record.js';
import { WORKSPACE_CHAIN } from '../../domain/decision-record-format.js';
import { engagementLabel } from '../../domain/engagement.js';
import { COMMAND } from '../ids.js';
import { slackDate } from './dates.js';
import { context, esc, header, type Rendered, section, truncate } from './text.js';

/** How many records `/amos log` shows: enough to read at a glance, well within Slack's 50 blocks. */
export const LOG_LATEST = 15;

/** Summaries longer than this are cut in the log view; the export has them whole. */
const SUMMARY_MAX = 700;

/** What `/amos log` renders: one chain's latest records, oldest first, and its length. */
export interface DecisionLogView {
  readonly engagement: string;
  readonly total: number;
  readonly records: readonly ChainedRecord[];
}

function chainTitle(engagement: string): string {
  return engagement === WORKSPACE_CHAIN
    ? 'workspace decisions (roles, partners, fit)'
    : engagementLabel(engagement);
}

/** The actor as a mention when it is a Slack user, else by name (the scheduler acts as AMOS). */
function actorText(record: ChainedRecord): string {
  const who = /^[UW][A-Z0-9]+$/.test(record.actorId) ? `<@${record.actorId}>` : 'AMOS';
  return `${who} _${record.actorRole}_`;
}

// Records written before summaries became plain text carry `<@U…>` / `<#C…>` markup (kept as
// a mention when the record's details name that id, else shown as text) and may carry typed
// broadcasts (shown as words, never triggered).
const LEGACY_MARKUP =
  /<([@#][UWC][A-Z0-9]+(?:\|[^<>]*)?)>|<!(channel|here|everyone)(?:\|[^<>]*)?>/g;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** The Slack ids a record names: its actor, and user and channel fields of its details. */
function detailIds(
  details: unknown,
  actorId?: string,
): { users: Set<string>; channels: Set<string> } {
  const users = new Set<string>(actorId && USER_ID.test(actorId) ? [actorId] : []);
  const channels = new Set<string>();
  const values =
    details && typeof details === 'object' ? Object.values(details as Record<string, unknown>) : [];
  for (const value of values.flat()) {
    if (typeof value !== 'string') continue;
    if (USER_ID.test(value)) users.add(value);
    else if (CHANNEL_ID.test(value)) channels.add(value);
  }
  return { users, channels };
}

/**
 * A summary as mrkdwn: its text escaped (it may carry what people typed), the people and
 * channels the record's details name shown as mentions, legacy markup neutralised.
 */
export function summaryMarkdown(summary: string, details: unknown, actorId?: string): string {
  const { users, channels } = detailIds(details, actorId);
  const plain = (text: string) =>
    esc(text).replace(/\b[UWCG][A-Z0-9]{2,}\b/g, (id) =>
      users.has(id) ? `<@${id}>` : channels.has(id) ? `<#${id}>` : id,
    );
  let out = '';
  let last = 0;
  for (const match of summary.matchAll(LEGACY_MARKUP)) {
    out += plain(summary.slice(last, match.index));
    const id = match[1]?.slice(1).split('|')[0] ?? '';
    const named = users.has(id) || channels.has(id);
    out += match[2] ? `@${match[2]}` : named ? match[0] : plain(match[0]);
    last = match.index + match[0].length;
  }
  return out + plain(summary.slice(last));
}

/** One record as a section: number, time, actor and role, kind and reference, summary. */
export function recordSection(record: ChainedRecord): KnownBlock {
  const ref = record.subjectRef ? ` · *${record.subjectRef}*` : '';
  return section(
    [
      `*#${record.seq}*  ${slackDate(record.at)} · ${actorText(record)}`,
      `\`${record.kind}\`${ref}`,
      truncate(summaryMarkdown(record.summary, record.details, record.actorId), SUMMARY_MAX),
    ].join('\n'),
  );
}

/** The `/amos log` reply: a header, how much of the chain is shown, and one section per record. */
export function decisionLogMessage(view: DecisionLogView): Rendered {
  const title = `Decision record: ${chainTitle(view.engagement)}`;
  const exportHint = `\`${COMMAND} export ${view.engagement} csv\` sends the whole record to you as a file (executives and admins).`;
  if (view.records.length === 0) {
    const text =
      view.engagement === WORKSPACE_CHAIN
        ? 'No workspace decisions (role grants, partner organisations, fit verdicts) are recorded yet.'
        : `No decisions are recorded for ${chainTitle(view.engagement)} yet.`;
    return { text, blocks: [header(title), section(text)] };
  }
  const shown = view.records.length;
  const scope =
    shown < view.total
      ? `The latest ${shown} of ${view.total} records, most recent last.`
      : `All ${view.total} ${view.total === 1 ? 'record' : 'records'}, most recent last.`;
  const blocks: KnownBlock[] = [
    header(title),
    context(`${scope} ${exportHint}`),
    ...view.records.map(recordSection),
  ];
  return { text: truncate(`${title}. ${scope}`, 3000), blocks };
}
