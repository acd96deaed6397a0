import type { KnownBlock, View } from '@slack/types';
import type { HomeContent } from '../../services/home-service.js';
import { HOME } from '../ids.js';
import { waitingList } from './approval-replies.js';
import type { CommandHelp } from './help.js';
import { engagementListMessage } from './status.js';
import { context, header, section } from './text.js';

const MAX_BLOCKS = 100;

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
    const reviews = content.reviews ?? [];
    if (reviews.length > 0) {
      blocks.push(
        header('Deliverables waiting for review'),
        section(
          reviews
            .slice(0, 20)
            .map(
              (r) =>
                `• *${r.ref}* for ${r.scopeRef}${r.version > 1 ? ` (version ${r.version})` : ''} · \`${r.slug}\` · \`/amos deliver ${r.slug} review ${r.ref}\``,
            )
            .join('\n'),
        ),
      );
    }
    blocks.push(
      { type: 'divider' },
      ...engagementListMessage(
        content.engagements,
        content.partnerView,
        content.engagementsTotal ?? content.engagements.length,
      ).blocks,
    );
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
