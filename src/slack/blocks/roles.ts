import type { KnownBlock } from '@slack/types';
import { ROLES, type Role } from '../../domain/roles.js';
import type { RoleChange, RoleHolder } from '../../services/role-service.js';
import {
  context,
  esc,
  header,
  type Rendered,
  SECTION_TEXT_MAX,
  section,
  truncate,
} from './text.js';

/** What each role may do, in a phrase that follows "As an executive you can". */
export const ROLE_RIGHTS: Readonly<Record<Role, string>> = {
  admin: 'grant and revoke roles, manage partner organisations, and do everything an executive can',
  executive:
    'review Diagnostic outputs, approve or reject execution requirements, assess partner fit, activate partners, and pause, resume or terminate engagements',
  operator:
    'create engagements, submit the Diagnostic, and define scope items, acceptance criteria and stages',
  partner:
    'work on an engagement once it is active: acknowledge its charter, deliver, and raise risks, escalations and change requests',
};

const article = (role: Role) => (/^[aeiou]/.test(role) ? 'an' : 'a');

const USAGE = [
  '`/amos role grant @person <role>`  give someone a role',
  '`/amos role revoke @person <role>`  take a role away',
  '`/amos role list`  who holds which role',
  `Roles: ${ROLES.map((r) => `*${r}*`).join(', ')}. Only admins grant and revoke.`,
].join('\n');

/** How to use `/amos role`, after what was wrong with the last attempt. */
export function roleHelpMessage(problem?: string): Rendered {
  const text = [problem, USAGE].filter(Boolean).join('\n\n');
  return { text, blocks: [section(text)] };
}

/**
 * The admin's confirmation of a grant or revoke, saying plainly when nothing changed and
 * whether the person was told (`notified`: true, false when the DM failed, undefined for self).
 */
export function roleChangeMessage(
  action: 'grant' | 'revoke',
  change: RoleChange,
  notified?: boolean,
): Rendered {
  const who = `<@${change.userId}>`;
  const role = `${article(change.role)} ${change.role}`;
  let text: string;
  if (action === 'grant') {
    text = change.changed
      ? `${who} is now ${role}. As ${role} they can ${ROLE_RIGHTS[change.role]}.`
      : `${who} already has the ${change.role} role; nothing changed.`;
    if (change.changed && change.role === 'partner') {
      text +=
        ' To work on an engagement they also need to belong to its partner organisation: `/amos partner add <organisation> @person`.';
    }
  } else {
    text = change.changed
      ? `${who} no longer has the ${change.role} role.`
      : `${who} doesn't have the ${change.role} role; nothing changed.`;
  }
  if (change.changed && notified === true) text += " I've let them know by DM.";
  if (change.changed && notified === false) {
    text += " I couldn't send them a DM, so please tell them yourself.";
  }
  return { text, blocks: [section(text)] };
}

/** The DM telling someone their role changed and who changed it. */
export function roleNoticeMessage(
  action: 'grant' | 'revoke',
  change: RoleChange,
  byUserId: string,
): Rendered {
  const role = `${article(change.role)} ${change.role}`;
  const text =
    action === 'grant'
      ? `<@${byUserId}> made you ${role} in AMOS. As ${role} you can ${ROLE_RIGHTS[change.role]}. Type \`/amos help\` to see the commands.`
      : `<@${byUserId}> removed your ${change.role} role in AMOS. Ask an admin if you think this is a mistake.`;
  return { text, blocks: [section(text)] };
}

function describeHolder(h: RoleHolder): string {
  const parts: string[] = [];
  for (const role of ROLES) {
    const notes: string[] = [];
    if (role === 'admin' && h.bootstrapAdmin) notes.push('bootstrap, AMOS_ADMINS');
    if (role === 'admin' && h.installer) notes.push('installed AMOS');
    if (role === 'partner' && h.partnerOrgs.length > 0) notes.push(esc(h.partnerOrgs.join(', ')));
    if (!h.granted.includes(role) && notes.length === 0) continue;
    parts.push(notes.length > 0 ? `${role} (${notes.join('; ')})` : role);
  }
  return `<@${h.userId}>  ${parts.join(', ')}`;
}

const seniority = (h: RoleHolder) => {
  if (h.bootstrapAdmin || h.installer || h.granted.includes('admin')) return 0;
  const top = ROLES.findIndex((r) => h.granted.includes(r));
  return top === -1 ? ROLES.length : top;
};

/** Lines packed into as few sections as Slack's text limit allows (and at most 45 of them). */
function sections(lines: readonly string[]): KnownBlock[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > SECTION_TEXT_MAX) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  const blocks = chunks.slice(0, 45).map((chunk) => section(chunk));
  if (chunks.length > 45)
    blocks.push(context('…the list goes on; it is too long for one message.'));
  return blocks;
}

/** `/amos role list`: everyone with a role, most senior first, bootstrap admins marked. */
export function roleListMessage(holders: readonly RoleHolder[]): Rendered {
  const sorted = [...holders].sort(
    (a, b) => seniority(a) - seniority(b) || a.userId.localeCompare(b.userId),
  );
  const lines = sorted.map(describeHolder);
  const text =
    lines.length > 0
      ? truncate(`AMOS roles:\n${lines.join('\n')}`, SECTION_TEXT_MAX)
      : 'Nobody holds an AMOS role yet.';
  return {
    text,
    blocks: [
      header('AMOS roles'),
      ...(lines.length > 0 ? sections(lines) : [section('Nobody holds an AMOS role yet.')]),
      context(
        'Bootstrap admins come from the AMOS_ADMINS setting and the person who installed AMOS. Partners come from partner organisation membership (`/amos partner list`). Admins change roles with `/amos role grant|revoke @person <role>`.',
      ),
    ],
  };
}
