import type { KnownBlock, View } from '@slack/types';
import { engagementLabel, STAGE_LABELS, type Stage } from '../../domain/engagement.js';
import { formatDuration } from '../../domain/governance.js';
import type { EngagementGovernance, HomeContent } from '../../services/home-service.js';
import { HOME } from '../ids.js';
import { waitingList } from './approval-replies.js';
import type { CommandHelp } from './help.js';
import { governanceHomeBlocks } from './risk.js';
import { engagementListMessage } from './status.js';
import { context, esc, header, section } from './text.js';

const MAX_BLOCKS = 100;
const REVIEWS_SHOWN = 10;

/**
 * The App Home tab: what waits on the person (with Approve / Reject), the engagements they
 * can see, and the commands. Rebuilt from the database each time, so it never shows a
 * decided request as pending once republished. Stays within Slack's 100 blocks.
 */
export function homeView(
  userId: string,
  content: HomeContent | undefined,
  commands: readonly CommandHelp[],
): View {
  const blocks: KnownBlock[] = [
    section(`Hello <@${userId}>. This is where AMOS shows what waits on you.`),
  ];
  if (!content || content.actor.roles.length === 0) {
    blocks.push(
      section(
        "You don't have an AMOS role in this workspace yet. An AMOS admin grants one with `/amos role grant @you <role>`.",
      ),
    );
  } else {
    if (content.actor.roles.some((r) => r === 'executive' || r === 'admin')) {
      blocks.push(header('Waiting on you'), ...waitingList(content.waiting).blocks);
    }
    blocks.push(...governanceHomeBlocks(content.governanceWaiting));
    if (content.actor.roles.some((r) => r === 'executive' || r === 'admin')) {
      const outputs = content.engagements.filter((e) => e.stage === 'diagnostic_submitted');
      if (outputs.length > 0) {
        blocks.push(
          header('Diagnostics waiting for Output Review'),
          section(
            outputs
              .slice(0, REVIEWS_SHOWN)
              .map(
                (e) =>
                  `• *${engagementLabel(e.slug)}* · ${esc(e.name)} · \`/amos review ${e.slug}\``,
              )
              .join('\n'),
          ),
        );
      }
    }
    const reviews = content.reviews ?? [];
    if (reviews.length > 0) {
      blocks.push(
        header('Deliverables waiting for review'),
        ...reviews.slice(0, REVIEWS_SHOWN).map(
          (r): KnownBlock => ({
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `• *${r.ref}* for ${r.scopeRef}${r.version > 1 ? ` (version ${r.version})` : ''} · \`${r.slug}\` · \`/amos deliver ${r.slug} review ${r.ref}\``,
            },
            accessory: {
              type: 'button',
              action_id: HOME.reviewDeliverableAction,
              value: `${r.slug} ${r.ref}`,
              text: { type: 'plain_text', text: 'Review' },
            },
          }),
        ),
      );
      if (reviews.length > REVIEWS_SHOWN) {
        blocks.push(
          context(
            `…and ${reviews.length - REVIEWS_SHOWN} more: \`/amos status <slug>\` lists them.`,
          ),
        );
      }
    }
    blocks.push(
      { type: 'divider' },
      ...engagementListMessage(
        content.engagements,
        content.partnerView,
        content.engagementsTotal ?? content.engagements.length,
      ).blocks,
    );
    const governance = content.governance ?? [];
    if (governance.length > 0) {
      blocks.push(header('Governance'), ...governance.map(governanceSection));
    }
  }
  const usage = commands.map((c) => `\`/amos ${c.usage}\``).join('  ');
  const tail: KnownBlock[] = [
    { type: 'divider' },
    header('Commands'),
    section(usage, HOME.helpBlock),
    context('Type `/amos help` in any channel for what each command does.'),
  ];
  const room = MAX_BLOCKS - tail.length;
  return { type: 'home', blocks: [...blocks.slice(0, room), ...tail] };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One engagement: stage and time at the current gate, health, time at each gate, the figures. */
function governanceSection(g: EngagementGovernance): KnownBlock {
  const stage = STAGE_LABELS[g.stage] ?? esc(g.stage);
  const h = g.health;
  const problems = [
    h.overdueItems > 0 ? plural(h.overdueItems, 'overdue item', 'overdue items') : '',
    h.approvalsOverdue > 0
      ? plural(h.approvalsOverdue, 'approval overdue', 'approvals overdue')
      : '',
    h.openSevereRisks > 0
      ? plural(h.openSevereRisks, 'open high or critical risk', 'open high or critical risks')
      : '',
    h.unacknowledgedEscalations > 0
      ? plural(
          h.unacknowledgedEscalations,
          'unacknowledged escalation',
          'unacknowledged escalations',
        )
      : '',
  ].filter(Boolean);
  const health =
    problems.length > 0
      ? `:warning: ${problems.join(' · ')}`
      : ':large_green_circle: nothing overdue';
  const gates = (Object.entries(g.gateTimes) as [Stage, number][])
    .filter(([s]) => s !== g.stage || !['completed', 'terminated'].includes(s))
    .map(([s, ms]) => `${STAGE_LABELS[s] ?? esc(s)} ${formatDuration(ms)}`)
    .join(' · ');
  const lines = [
    `*${engagementLabel(g.slug)}* · ${esc(g.name)} — *${stage}* for ${formatDuration(g.atCurrentMs)} · ${health}`,
    `Time at each gate: ${gates || 'none yet'}`,
  ];
  const f = g.figures;
  if (f) {
    lines.push(
      `Change requests: ${f.changesApproved} approved / ${f.changesRejected} rejected · Deliverables: ${f.deliverablesAccepted} accepted / ${f.deliverablesReturned} returned · Approvals overdue: ${f.approvalsOverdue}`,
    );
  }
  return section(lines.join('\n'));
}
