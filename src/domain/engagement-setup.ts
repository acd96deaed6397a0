import type { EscalationPath } from './engagement.js';
import { ok, type Result, refuse } from './errors.js';
import type { Role } from './roles.js';
import { isPresent } from './text.js';

/** An engagement slug: 2-39 characters, lower-case letters, digits and hyphens. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,38}$/;
/** What Slack accepts as a channel name (lower case, no spaces or periods, at most 80). */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9_-]{1,80}$/;
export const NAME_MAX = 120;
export const CLIENT_MAX = 120;

/** Where the partner channel comes from: created private by the bot, or an existing one linked. */
export type PartnerChannelChoice =
  | { readonly kind: 'create'; readonly name: string }
  | { readonly kind: 'link'; readonly channelId: string };

/** Everything `/amos new` asks for, after parsing. */
export interface NewEngagementSpec {
  readonly name: string;
  readonly slug: string;
  readonly client: string;
  readonly sponsorIds: readonly string[];
  readonly operatorId: string;
  readonly partnerOrgId?: string;
  readonly channel: PartnerChannelChoice;
  readonly escalationPath: EscalationPath;
  readonly requiredApprovals: number;
}

/** The form fields a refusal can point at (`fieldErrors` keys). */
export type NewEngagementField =
  | 'name'
  | 'slug'
  | 'client'
  | 'sponsors'
  | 'operator'
  | 'partnerOrg'
  | 'channelName'
  | 'channelExisting'
  | 'escalation1'
  | 'requiredApprovals';

export const SLUG_RULE =
  'Use 2 to 39 characters: lower-case letters, digits and hyphens, starting with a letter or digit (e.g. `acme-q3`).';
export const CHANNEL_NAME_RULE =
  'Slack channel names use lower-case letters, digits, hyphens and underscores, no spaces, at most 80 characters.';

/** Why a slug is not acceptable, or undefined when it is. */
export function slugProblem(slug: string): string | undefined {
  return SLUG_PATTERN.test(slug) ? undefined : SLUG_RULE;
}

/** Why a new channel name is not acceptable, or undefined when it is. */
export function channelNameProblem(name: string): string | undefined {
  return CHANNEL_NAME_PATTERN.test(name) ? undefined : CHANNEL_NAME_RULE;
}

/** The message when the required approvals do not fit the number of sponsors. */
export function requiredApprovalsProblem(n: number, sponsors: number): string | undefined {
  if (!Number.isInteger(n) || n < 1) return 'Enter a whole number, at least 1.';
  if (n > Math.max(sponsors, 1)) {
    return `At most the number of executive sponsors (${sponsors}): N of M needs M ≥ N.`;
  }
  return undefined;
}

/**
 * Ok when the form describes an engagement that can be run: every field present and well
 * formed, N of M approvals within the sponsors, someone on escalation level 1. Otherwise an
 * `invalid_input` refusal with one message per field.
 */
export function checkNewEngagement(spec: NewEngagementSpec): Result<void> {
  const errors: Partial<Record<NewEngagementField, string>> = {};
  if (!isPresent(spec.name)) errors.name = 'Give the engagement a name.';
  else if (spec.name.length > NAME_MAX) errors.name = `At most ${NAME_MAX} characters.`;
  const slug = slugProblem(spec.slug);
  if (slug) errors.slug = slug;
  if (!isPresent(spec.client)) errors.client = 'Name the client.';
  else if (spec.client.length > CLIENT_MAX) errors.client = `At most ${CLIENT_MAX} characters.`;
  if (spec.sponsorIds.length === 0) errors.sponsors = 'Pick at least one executive sponsor.';
  if (!isPresent(spec.operatorId)) errors.operator = 'Pick the operator who runs the engagement.';
  if (spec.channel.kind === 'create') {
    const problem = channelNameProblem(spec.channel.name);
    if (problem) errors.channelName = problem;
  }
  if (spec.escalationPath.level1.length === 0) {
    errors.escalation1 = 'Name at least one person on level 1 of the escalation path.';
  }
  const approvals = requiredApprovalsProblem(spec.requiredApprovals, spec.sponsorIds.length);
  if (approvals && !errors.sponsors) errors.requiredApprovals = approvals;
  if (Object.keys(errors).length === 0) return ok();
  return refuse(
    'invalid_input',
    'Some fields of the new engagement need attention.',
    Object.values(errors),
    errors,
  );
}

/**
 * Ok when the people named can do their part: every sponsor is an executive or admin (they
 * approve), and the operator holds the operator role (they run the Diagnostic).
 */
export function checkEngagementPeople(
  spec: Pick<NewEngagementSpec, 'sponsorIds' | 'operatorId'>,
  rolesOf: (userId: string) => readonly Role[],
): Result<void> {
  const errors: Partial<Record<NewEngagementField, string>> = {};
  const notExecutives = spec.sponsorIds.filter(
    (id) => !rolesOf(id).some((role) => role === 'executive' || role === 'admin'),
  );
  if (notExecutives.length > 0) {
    errors.sponsors = sponsorsProblem(notExecutives.length, spec.sponsorIds.length);
  }
  if (!rolesOf(spec.operatorId).includes('operator')) {
    errors.operator =
      'The person you picked is not an AMOS operator. An admin grants the role with `/amos role grant @user operator`.';
  }
  if (Object.keys(errors).length === 0) return ok();
  return refuse(
    'invalid_input',
    'Some people on the new engagement cannot take their part yet.',
    Object.values(errors),
    errors,
  );
}

function sponsorsProblem(notExecutives: number, total: number): string {
  let who: string;
  if (total === 1) who = 'The sponsor you picked is not an AMOS executive';
  else if (notExecutives === total) who = 'None of the sponsors you picked is an AMOS executive';
  else if (notExecutives === 1) who = '1 of the sponsors you picked is not an AMOS executive';
  else who = `${notExecutives} of the sponsors you picked are not AMOS executives`;
  return `${who}. Sponsors approve, so they need the executive role: an admin grants it with \`/amos role grant @user executive\`.`;
}
