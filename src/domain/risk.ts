import { ok, type Result, refuse } from './errors.js';
import type { Actor } from './roles.js';
import { isPresent } from './text.js';

// Risks (PRODUCT.md section 6, seed "Surface Risks Early"): raised by a partner or an operator,
// moved open -> acknowledged -> mitigated -> closed by their owner, high and critical ones
// opening an escalation at once.

export const RISK_CATEGORIES = ['scope', 'quality', 'timeline', 'data', 'other'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RISK_STATES = ['open', 'acknowledged', 'mitigated', 'closed'] as const;
export type RiskState = (typeof RISK_STATES)[number];

export const RISK_LIMITS = { title: 150, text: 2000, link: 500 } as const;

/** What the risk modal asks for; `messageLink` when raised from a message (the shortcut). */
export interface RiskInput {
  title?: string;
  category?: string;
  severity?: string;
  description?: string;
  mitigation?: string;
  messageLink?: string;
}

export interface RiskDraft {
  readonly title: string;
  readonly category: RiskCategory;
  readonly severity: Severity;
  readonly description: string;
  readonly mitigation: string;
  readonly messageLink: string | null;
}

/** True when a risk of this severity opens an escalation when it is raised. */
export function opensEscalation(severity: Severity): boolean {
  return severity === 'high' || severity === 'critical';
}

/**
 * Validates the risk modal: a title, a category, a severity and a description are required, the
 * proposed mitigation is optional; one field error per problem (`title`, `category`, `severity`,
 * `description`, `mitigation`) so the modal shows them all at once.
 */
export function validateRisk(input: RiskInput): Result<RiskDraft> {
  const errors: Record<string, string> = {};
  const category = RISK_CATEGORIES.find((c) => c === input.category);
  const severity = SEVERITIES.find((s) => s === input.severity);
  if (!isPresent(input.title)) errors.title = 'Give the risk a short title.';
  else if (input.title.length > RISK_LIMITS.title)
    errors.title = `Keep the title under ${RISK_LIMITS.title} characters.`;
  if (!category) errors.category = 'Pick a category: scope, quality, timeline, data or other.';
  if (!severity) errors.severity = 'Pick a severity: low, medium, high or critical.';
  if (!isPresent(input.description)) errors.description = 'Describe the risk.';
  else if (input.description.length > RISK_LIMITS.text)
    errors.description = `Keep the description under ${RISK_LIMITS.text} characters.`;
  if ((input.mitigation ?? '').length > RISK_LIMITS.text)
    errors.mitigation = `Keep the proposed mitigation under ${RISK_LIMITS.text} characters.`;
  const link = input.messageLink?.trim() ?? '';
  if (link && (!/^https:\/\/[^\s<>|]+$/.test(link) || link.length > RISK_LIMITS.link))
    errors.description = 'The link to the message is not a Slack permalink.';
  if (Object.keys(errors).length > 0 || !category || !severity) {
    return refuse('invalid_input', 'Some fields of the risk need fixing.', undefined, errors);
  }
  return ok({
    title: (input.title ?? '').trim(),
    category,
    severity,
    description: (input.description ?? '').trim(),
    mitigation: (input.mitigation ?? '').trim(),
    messageLink: link || null,
  });
}

/** The moves a risk's owner can make: from which states, to which state, and the record kind. */
export const RISK_MOVES = {
  ack: { from: ['open'], to: 'acknowledged', kind: 'risk.acknowledged', verb: 'acknowledged' },
  mitigated: {
    from: ['open', 'acknowledged'],
    to: 'mitigated',
    kind: 'risk.mitigated',
    verb: 'marked mitigated',
  },
  closed: {
    from: ['open', 'acknowledged', 'mitigated'],
    to: 'closed',
    kind: 'risk.closed',
    verb: 'closed',
  },
} as const satisfies Record<
  string,
  { from: readonly RiskState[]; to: RiskState; kind: string; verb: string }
>;
export type RiskMove = keyof typeof RISK_MOVES;

export function isRiskMove(value: string): value is RiskMove {
  return Object.hasOwn(RISK_MOVES, value);
}

export interface RiskFacts {
  readonly ref: string;
  readonly state: RiskState;
  readonly raisedBy: string;
  /** Who owns it: the engagement's operator. */
  readonly ownerId: string;
}

/**
 * Moves a risk. Its owner (the engagement's operator) or an executive or admin may; the person
 * who raised it may not move it themselves unless they are its owner, and a partner never.
 */
export function moveRisk(
  risk: RiskFacts,
  move: RiskMove,
  actor: Actor,
): Result<{ from: RiskState; to: RiskState; kind: string; summary: string }> {
  const rule = RISK_MOVES[move];
  const isOwner = actor.userId === risk.ownerId && actor.roles.includes('operator');
  const isExecutive = actor.roles.some((r) => r === 'executive' || r === 'admin');
  if (!isOwner && !isExecutive) {
    return refuse(
      'forbidden_role',
      `Only the owner of ${risk.ref} (the engagement's operator) or an executive may move it.`,
    );
  }
  if (!(rule.from as readonly RiskState[]).includes(risk.state)) {
    return refuse(
      'already_decided',
      `${risk.ref} is ${risk.state}; it cannot be ${rule.verb} from there.`,
    );
  }
  return ok({
    from: risk.state,
    to: rule.to,
    kind: rule.kind,
    summary: `Risk ${risk.ref} ${rule.verb}.`,
  });
}
