import { z } from 'zod';
import {
  CLIENT_MAX,
  channelNameProblem,
  checkNewEngagement,
  NAME_MAX,
  type NewEngagementField,
  type NewEngagementSpec,
  SLUG_PATTERN,
  SLUG_RULE,
} from '../../domain/engagement-setup.js';
import { NEW_ENGAGEMENT } from '../ids.js';
import { errorsByBlock, ModalValues } from './modal-values.js';

const B = NEW_ENGAGEMENT.blocks;

/** The block each field's inline error goes to. */
export const NEW_ENGAGEMENT_FIELD_BLOCKS: Readonly<Record<NewEngagementField, string>> = {
  name: B.name,
  slug: B.slug,
  client: B.client,
  sponsors: B.sponsors,
  operator: B.operator,
  partnerOrg: B.partnerOrg,
  channelName: B.channelName,
  channelExisting: B.channelExisting,
  escalation1: B.escalation1,
  requiredApprovals: B.requiredApprovals,
};

const userIds = z.array(z.string().min(1));

/** The form as typed, checked field by field (the domain checks the rules across fields). */
const form = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the engagement a name.')
    .max(NAME_MAX, `At most ${NAME_MAX} characters.`),
  slug: z.string().trim().toLowerCase().regex(SLUG_PATTERN, SLUG_RULE),
  client: z
    .string()
    .trim()
    .min(1, 'Name the client.')
    .max(CLIENT_MAX, `At most ${CLIENT_MAX} characters.`),
  sponsors: userIds.min(1, 'Pick at least one executive sponsor.'),
  operator: z.string().min(1, 'Pick the operator who runs the engagement.'),
  partnerOrg: z.string().optional(),
  escalation1: userIds.min(1, 'Name at least one person on level 1 of the escalation path.'),
  escalation2: userIds,
  escalation3: userIds,
  requiredApprovals: z
    .string()
    .trim()
    .regex(/^\d+$/, 'Enter a whole number, at least 1.')
    .transform(Number),
});

export type NewEngagementParse =
  | { readonly ok: true; readonly spec: NewEngagementSpec }
  | { readonly ok: false; readonly errors: Record<string, string> };

/**
 * The submitted `/amos new` modal as an engagement spec, or inline errors keyed by block id:
 * every problem zod or the domain finds, one message per block.
 */
export function parseNewEngagement(values: unknown): NewEngagementParse {
  const v = new ModalValues(values, NEW_ENGAGEMENT.inputAction);
  const parsed = form.safeParse({
    name: v.text(B.name),
    slug: v.text(B.slug),
    client: v.text(B.client),
    sponsors: v.users(B.sponsors),
    operator: v.user(B.operator) ?? '',
    partnerOrg: v.option(B.partnerOrg),
    escalation1: v.users(B.escalation1),
    escalation2: v.users(B.escalation2),
    escalation3: v.users(B.escalation3),
    requiredApprovals: v.text(B.requiredApprovals),
  });
  const channel = parseChannelChoice(values);
  if (!parsed.success || !channel.ok) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      fieldErrors[String(issue.path[0] ?? 'name')] ??= issue.message;
    }
    const errors = errorsByBlock(fieldErrors, NEW_ENGAGEMENT_FIELD_BLOCKS, B.name);
    return { ok: false, errors: { ...errors, ...(channel.ok ? {} : channel.errors) } };
  }
  const f = parsed.data;
  const spec: NewEngagementSpec = {
    name: f.name,
    slug: f.slug,
    client: f.client,
    sponsorIds: f.sponsors,
    operatorId: f.operator,
    ...(f.partnerOrg ? { partnerOrgId: f.partnerOrg } : {}),
    channel: channel.choice,
    escalationPath: { level1: f.escalation1, level2: f.escalation2, level3: f.escalation3 },
    requiredApprovals: f.requiredApprovals,
  };
  const rules = checkNewEngagement(spec);
  if (!rules.ok) {
    return {
      ok: false,
      errors: errorsByBlock(rules.refusal.fieldErrors ?? {}, NEW_ENGAGEMENT_FIELD_BLOCKS, B.name),
    };
  }
  return { ok: true, spec };
}

/** The partner channel blocks (also the whole link-a-channel modal): a new private channel name or an existing channel, exactly one. */
export function parseChannelChoice(
  values: unknown,
):
  | { ok: true; choice: NewEngagementSpec['channel'] }
  | { ok: false; errors: Record<string, string> } {
  const v = new ModalValues(values, NEW_ENGAGEMENT.inputAction);
  const name = v.text(B.channelName).replace(/^#/, '');
  const existing = v.conversation(B.channelExisting);
  if (name && existing) {
    return {
      ok: false,
      errors: {
        [B.channelName]: 'Either name a new private channel or pick an existing one, not both.',
      },
    };
  }
  if (existing) return { ok: true, choice: { kind: 'link', channelId: existing } };
  if (!name) {
    return {
      ok: false,
      errors: {
        [B.channelName]: 'Name a new private channel here, or pick an existing channel below.',
      },
    };
  }
  const problem = channelNameProblem(name);
  if (problem) return { ok: false, errors: { [B.channelName]: problem } };
  return { ok: true, choice: { kind: 'create', name } };
}
