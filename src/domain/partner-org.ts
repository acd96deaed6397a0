import { ok, type Result, refuse } from './errors.js';

/** The longest partner organisation name accepted (it appears in titles and messages). */
export const PARTNER_ORG_NAME_MAX = 80;

/**
 * The name to store for a new partner organisation (trimmed, inner whitespace collapsed), or
 * `invalid_input` when it is empty, too long, or holds Slack markup such as a mention.
 */
export function checkPartnerOrgName(raw: string): Result<string> {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (name.length === 0) {
    return refuse(
      'invalid_input',
      'Give the partner organisation a name, e.g. `/amos partner create Northwind Agency`.',
    );
  }
  if (name.length > PARTNER_ORG_NAME_MAX) {
    return refuse(
      'invalid_input',
      `Partner organisation names can be at most ${PARTNER_ORG_NAME_MAX} characters; that one has ${name.length}.`,
    );
  }
  if (/[<>@*`]/.test(name)) {
    return refuse(
      'invalid_input',
      'A partner organisation name cannot contain mentions or formatting (`<`, `>`, `@`, `*`, `` ` ``). Add members afterwards with `/amos partner add <name> @user`.',
    );
  }
  return ok(name);
}
