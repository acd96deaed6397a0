import { cleanTypedText } from '../../domain/text.js';
import { esc } from '../blocks/text.js';
import { hasUnresolvedMention, parseUserMentions, withoutUserMentions } from './mentions.js';

/** `/amos partner ...` as typed. */
export type PartnerCommand =
  | { readonly action: 'create'; readonly name: string }
  | {
      readonly action: 'add' | 'remove';
      readonly orgName: string;
      readonly userIds: readonly string[];
    }
  | { readonly action: 'assign'; readonly slug: string; readonly orgName: string }
  | { readonly action: 'list' }
  | { readonly action: 'help'; readonly problem?: string };

/** An organisation name as typed, without surrounding quotes. */
function orgName(text: string): string {
  return cleanTypedText(text, 'line')
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
    .trim();
}

/** Parses the text after `/amos partner`; anything unusable becomes `help` with what was wrong. */
export function parsePartnerCommand(args: string): PartnerCommand {
  const trimmed = args.trim();
  const space = trimmed.search(/\s/);
  const verb = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space === -1 ? '' : trimmed.slice(space).trim();
  if (verb === 'list' && !rest) return { action: 'list' };
  if (verb === 'create') {
    return rest
      ? { action: 'create', name: orgName(rest) }
      : {
          action: 'help',
          problem: 'Name the organisation, e.g. `/amos partner create Northwind Agency`.',
        };
  }
  if (verb === 'assign') return parseAssign(rest);
  if (verb !== 'add' && verb !== 'remove') {
    return verb && verb !== 'help'
      ? { action: 'help', problem: `\`${esc(verb)}\` is not something \`/amos partner\` does.` }
      : { action: 'help' };
  }
  const example = `\`/amos partner ${verb} Northwind Agency @person\``;
  const userIds = parseUserMentions(rest);
  const name = orgName(withoutUserMentions(rest));
  if (hasUnresolvedMention(rest)) {
    return {
      action: 'help',
      problem: `I couldn't find that person. Pick them from the @ list so Slack links the name, e.g. ${example}.`,
    };
  }
  if (userIds.length === 0)
    return { action: 'help', problem: `Mention the people to ${verb}, e.g. ${example}.` };
  if (!name) return { action: 'help', problem: `Name the organisation first, e.g. ${example}.` };
  return { action: verb, orgName: name, userIds };
}

/** `assign <slug> <organisation>`: sets an engagement's partner organisation. */
function parseAssign(rest: string): PartnerCommand {
  const example = '`/amos partner assign acme-q3 Northwind Agency`';
  const space = rest.search(/\s/);
  const slug = space === -1 ? rest : rest.slice(0, space);
  const name = space === -1 ? '' : orgName(rest.slice(space).trim());
  if (!slug)
    return {
      action: 'help',
      problem: `Name the engagement and the organisation, e.g. ${example}.`,
    };
  if (!name)
    return { action: 'help', problem: `Name the organisation after the slug, e.g. ${example}.` };
  return { action: 'assign', slug: slug.toLowerCase(), orgName: name };
}
