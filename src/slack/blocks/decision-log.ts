import type { KnownBlock } from '@slack/types';
import type { ChainedRecord } from '../../domain/decision-record.js';
import { WORKSPACE_CHAIN } from '../../domain/decision-record-format.js';
import { engagementLabel } from '../../domain/engagement.js';
import { COMMAND } from '../ids.js';
import { slackDate } from './dates.js';
import { context, header, type Rendered, section, truncate } from './text.js';

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

/** Summaries may carry user-typed text: broadcast mentions are shown, never triggered. */
function quietSummary(summary: string): string {
  return summary.replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, '@$1');
}

/** One record as a section: number, time, actor and role, kind and reference, summary. */
export function recordSection(record: ChainedRecord): KnownBlock {
  const ref = record.subjectRef ? ` · *${record.subjectRef}*` : '';
  return section(
    [
      `*#${record.seq}*  ${slackDate(record.at)} · ${actorText(record)}`,
      `\`${record.kind}\`${ref}`,
      truncate(quietSummary(record.summary), SUMMARY_MAX),
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
