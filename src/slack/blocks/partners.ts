import type { KnownBlock } from '@slack/types';
import type { PartnerOrg } from '../../db/partner-repository.js';
import { FIT_VERDICT_LABELS } from '../../domain/fit.js';
import type { MembershipChange, PartnerListing } from '../../services/partner-service.js';
import { context, esc, header, type Rendered, section, truncate } from './text.js';

const USAGE = [
  '`/amos partner create <organisation>`  add a partner organisation',
  '`/amos partner add <organisation> @person [@person…]`  add its people',
  '`/amos partner remove <organisation> @person`  remove someone',
  '`/amos partner list`  organisations, members and fit verdicts',
  '`/amos partner assign <slug> <organisation>`  set an engagement’s partner organisation (before activation)',
  'Admins manage partner organisations; their members act in the *partner* role.',
].join('\n');

const mentions = (ids: readonly string[]) => ids.map((id) => `<@${id}>`).join(', ');

/** How to use `/amos partner`, after what was wrong with the last attempt. */
export function partnerHelpMessage(problem?: string): Rendered {
  const text = [problem, USAGE].filter(Boolean).join('\n\n');
  return { text, blocks: [section(text)] };
}

/** Confirms a new organisation and says what to do next. */
export function partnerCreatedMessage(org: PartnerOrg): Rendered {
  const text = `Created the partner organisation *${esc(org.name)}*. Next, add its people with \`/amos partner add ${esc(org.name)} @person\`, and have an executive assess its fit with \`/amos fit ${esc(org.name)}\`: only a partner assessed as a *fit* can be activated on an engagement.`;
  return { text, blocks: [section(text)] };
}

/** Confirms who was added to or removed from an organisation, and who already was (or wasn't). */
export function membershipMessage(action: 'add' | 'remove', change: MembershipChange): Rendered {
  const org = `*${esc(change.org.name)}*`;
  const lines: string[] = [];
  if (change.changed.length > 0) {
    lines.push(
      action === 'add'
        ? `Added ${mentions(change.changed)} to ${org}. They act in the partner role, limited to the engagements ${org} is activated on.`
        : `Removed ${mentions(change.changed)} from ${org}.`,
    );
  }
  if (change.unchanged.length > 0) {
    lines.push(
      action === 'add'
        ? `${mentions(change.unchanged)} ${change.unchanged.length === 1 ? 'was' : 'were'} already in ${org}; nothing changed for them.`
        : `${mentions(change.unchanged)} ${change.unchanged.length === 1 ? "wasn't a member" : "weren't members"} of ${org}; nothing changed for them.`,
    );
  }
  const text = lines.join('\n');
  return { text, blocks: [section(text)] };
}

/** `/amos partner list`: each organisation with its members and (for staff) its latest fit verdict. */
export function partnerListMessage(listing: PartnerListing): Rendered {
  if (listing.orgs.length === 0) {
    const text = listing.fullView
      ? 'There are no partner organisations yet. An admin creates one with `/amos partner create <organisation>`.'
      : "You aren't a member of any partner organisation.";
    return { text, blocks: [section(text)] };
  }
  const shown = listing.orgs.slice(0, 45);
  const blocks: KnownBlock[] = [header('Partner organisations')];
  const lines: string[] = [];
  for (const org of shown) {
    const members = org.memberIds.length > 0 ? mentions(org.memberIds) : 'no members yet';
    let fit = '';
    if (listing.fullView) {
      fit = org.latestFit
        ? `  ·  fit verdict: *${FIT_VERDICT_LABELS[org.latestFit.verdict]}* (v${org.latestFit.version})`
        : '  ·  fit not assessed yet';
    }
    const line = `*${esc(org.name)}*${fit}\nMembers: ${members}`;
    lines.push(line);
    blocks.push(section(line));
  }
  if (listing.orgs.length > shown.length) {
    blocks.push(context(`…and ${listing.orgs.length - shown.length} more.`));
  }
  if (listing.fullView) {
    blocks.push(
      context(
        'An executive assesses fit with `/amos fit <organisation>`; only a *fit* verdict allows activation.',
      ),
    );
  }
  return { text: truncate(`Partner organisations:\n${lines.join('\n')}`, 3000), blocks };
}
