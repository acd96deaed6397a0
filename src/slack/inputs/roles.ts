import { z } from 'zod';
import { ROLES, type Role } from '../../domain/roles.js';
import { esc } from '../blocks/text.js';
import { hasUnresolvedMention, parseUserMentions, withoutUserMentions } from './mentions.js';

/** `/amos role ...` as typed: a grant or revoke of one role for one person, the list, or help. */
export type RoleCommand =
  | { readonly action: 'grant' | 'revoke'; readonly userId: string; readonly role: Role }
  | { readonly action: 'list' }
  | { readonly action: 'help'; readonly problem?: string };

const roleName = z.enum(ROLES);
const ROLE_LIST = ROLES.join(', ');

/** Parses the text after `/amos role`; anything unusable becomes `help` with what was wrong. */
export function parseRoleCommand(args: string): RoleCommand {
  const [verb = '', ...rest] = args.trim().split(/\s+/);
  const action = verb.toLowerCase();
  if (action === 'list' && rest.length === 0) return { action: 'list' };
  if (action !== 'grant' && action !== 'revoke') {
    return action && action !== 'help'
      ? { action: 'help', problem: `\`${esc(verb)}\` is not something \`/amos role\` does.` }
      : { action: 'help' };
  }
  const text = rest.join(' ');
  const userIds = parseUserMentions(text);
  const example = `\`/amos role ${action} @person executive\``;
  if (hasUnresolvedMention(text)) {
    return {
      action: 'help',
      problem: `I couldn't find that person. Pick them from the @ list so Slack links the name, e.g. ${example}.`,
    };
  }
  if (userIds.length === 0)
    return { action: 'help', problem: `Mention the person, e.g. ${example}.` };
  if (userIds.length > 1) {
    return { action: 'help', problem: `One person at a time, please, e.g. ${example}.` };
  }
  const words = withoutUserMentions(text).toLowerCase().split(' ').filter(Boolean);
  const role = roleName.safeParse(words.length === 1 ? words[0]?.replace(/s$/, '') : undefined);
  if (!role.success) {
    return {
      action: 'help',
      problem: `Which role? Name exactly one of ${ROLE_LIST}, e.g. ${example}.`,
    };
  }
  return { action, userId: userIds[0] as string, role: role.data };
}
