import { findEngagementById } from '../db/engagement-repository.js';
import {
  findEscalation,
  findRisk,
  type GovernanceSubject,
  governanceWaitingRows,
  listMessages,
  rememberMessage,
} from '../db/risk-repository.js';
import type { EscalationCategory, EscalationState } from '../domain/escalation.js';
import type { RiskCategory, RiskState, Severity } from '../domain/risk.js';
import { type Actor, can } from '../domain/roles.js';
import { loadActor } from './actor-service.js';
import type { ServiceDeps } from './change.js';

// What the Slack side shows of a risk or an escalation: read from the latest committed state, so
// every copy rendered from it shows the same thing.

export interface Copy {
  readonly channelId: string;
  readonly ts: string;
  readonly recipientId: string | null;
}

export interface RiskView {
  readonly kind: 'risk';
  readonly id: string;
  readonly ref: string;
  readonly title: string;
  readonly category: RiskCategory;
  readonly severity: Severity;
  readonly description: string;
  readonly mitigation: string;
  readonly messageLink: string | null;
  readonly state: RiskState;
  readonly ownerId: string;
  readonly raisedBy: string;
  readonly raisedAt: Date;
  readonly updatedBy: string | null;
  readonly updatedAt: Date;
  readonly escalationRef: string | null;
  readonly engagement: { readonly id: string; readonly slug: string; readonly operatorId: string };
  readonly copies: readonly Copy[];
}

export interface EscalationView {
  readonly kind: 'escalation';
  readonly id: string;
  readonly ref: string;
  readonly category: EscalationCategory;
  readonly severity: Severity;
  readonly needed: string;
  readonly byWhen: string | null;
  readonly state: EscalationState;
  readonly level: number;
  readonly dueAt: Date;
  readonly reachedIds: readonly string[];
  readonly riskRef: string | null;
  readonly raisedBy: string;
  readonly raisedAt: Date;
  readonly actedBy: string | null;
  readonly actedAt: Date | null;
  readonly engagement: { readonly id: string; readonly slug: string; readonly operatorId: string };
  /** Recipients who may press Pause engagement (executives, admins). */
  readonly pausers: readonly string[];
  readonly copies: readonly Copy[];
}

export type GovernanceView = RiskView | EscalationView;

const copiesOf = async (deps: ServiceDeps, teamId: string, id: string) =>
  (await listMessages(deps.db, teamId, id)).map((m) => ({
    channelId: m.channel_id,
    ts: m.ts,
    recipientId: m.recipient_id,
  }));

export async function loadRiskView(
  deps: ServiceDeps,
  teamId: string,
  riskId: string,
): Promise<RiskView | undefined> {
  const risk = await findRisk(deps.db, teamId, riskId);
  if (!risk) return undefined;
  const [engagement, copies, escalation] = await Promise.all([
    findEngagementById(deps.db, teamId, risk.engagement_id),
    copiesOf(deps, teamId, risk.id),
    risk.escalation_id ? findEscalation(deps.db, teamId, risk.escalation_id) : undefined,
  ]);
  if (!engagement) return undefined;
  return {
    kind: 'risk',
    id: risk.id,
    ref: risk.ref,
    title: risk.title,
    category: risk.category,
    severity: risk.severity,
    description: risk.description,
    mitigation: risk.mitigation,
    messageLink: risk.message_link,
    state: risk.state,
    ownerId: risk.owner_id,
    raisedBy: risk.raised_by,
    raisedAt: risk.raised_at,
    updatedBy: risk.updated_by,
    updatedAt: risk.updated_at,
    escalationRef: escalation?.ref ?? null,
    engagement: { id: engagement.id, slug: engagement.slug, operatorId: engagement.operator_id },
    copies,
  };
}

export async function loadEscalationView(
  deps: ServiceDeps,
  teamId: string,
  escalationId: string,
): Promise<EscalationView | undefined> {
  const escalation = await findEscalation(deps.db, teamId, escalationId);
  if (!escalation) return undefined;
  const [engagement, copies, actors] = await Promise.all([
    findEngagementById(deps.db, teamId, escalation.engagement_id),
    copiesOf(deps, teamId, escalation.id),
    Promise.all(escalation.reached_ids.map((id) => loadActor(deps.db, teamId, id, deps.admins))),
  ]);
  if (!engagement) return undefined;
  return {
    kind: 'escalation',
    id: escalation.id,
    ref: escalation.ref,
    category: escalation.category,
    severity: escalation.severity,
    needed: escalation.needed,
    byWhen: escalation.by_when,
    state: escalation.state,
    level: escalation.level,
    dueAt: escalation.due_at,
    reachedIds: escalation.reached_ids,
    riskRef: escalation.risk_ref,
    raisedBy: escalation.raised_by,
    raisedAt: escalation.raised_at,
    actedBy: escalation.acted_by,
    actedAt: escalation.acted_at,
    engagement: { id: engagement.id, slug: engagement.slug, operatorId: engagement.operator_id },
    pausers: actors.filter((a) => can(a, 'pause')).map((a) => a.userId),
    copies,
  };
}

export async function loadGovernanceView(
  deps: ServiceDeps,
  teamId: string,
  subject: GovernanceSubject,
  id: string,
): Promise<GovernanceView | undefined> {
  return subject === 'risk' ? loadRiskView(deps, teamId, id) : loadEscalationView(deps, teamId, id);
}

/** What a risk's or an escalation's DM shows that a move changes. */
export function governanceShown(view: GovernanceView): string {
  return view.kind === 'risk'
    ? view.state
    : escalationShown(view.state, view.level, view.reachedIds.length);
}

const escalationShown = (state: string, level: number, reached: number) =>
  `${state}|${level}|${reached}`;

/**
 * The same as `governanceShown` of the current view, read from the item's row alone (one
 * statement, not the whole view): whether it moved while a DM of it was on its way. Undefined
 * when it is gone.
 */
export async function governanceShownNow(
  deps: ServiceDeps,
  teamId: string,
  subject: GovernanceSubject,
  id: string,
): Promise<string | undefined> {
  if (subject === 'risk') return (await findRisk(deps.db, teamId, id))?.state;
  const escalation = await findEscalation(deps.db, teamId, id);
  return escalation
    ? escalationShown(escalation.state, escalation.level, escalation.reached_ids.length)
    : undefined;
}

/** Stores a delivered DM of a risk or escalation, so it is updated in place when it moves. */
export async function rememberGovernanceCopy(
  deps: ServiceDeps,
  copy: {
    teamId: string;
    subject: GovernanceSubject;
    id: string;
    channelId: string;
    ts: string;
    recipientId: string;
  },
): Promise<void> {
  await rememberMessage(deps.db, {
    team_id: copy.teamId,
    subject_type: copy.subject,
    subject_id: copy.id,
    channel_id: copy.channelId,
    ts: copy.ts,
    recipient_id: copy.recipientId,
  });
}

/** What App Home shows one person: escalations waiting on them and open risks they own. */
export interface GovernanceWaiting {
  readonly escalations: readonly {
    id: string;
    ref: string;
    slug: string;
    severity: Severity;
    needed: string;
    level: number;
    dueAt: Date;
    engagementId: string;
    mayPause: boolean;
    /** False for its raiser: someone else on the path acknowledges it. */
    mayAcknowledge: boolean;
  }[];
  readonly risks: readonly {
    id: string;
    ref: string;
    slug: string;
    severity: Severity;
    title: string;
    state: RiskState;
  }[];
}

/** Reads (never changes) the open escalations sent to a person and the open risks they may move. */
export async function governanceWaitingOn(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
  /** The actor already read for this request, if any. */
  known?: Actor,
): Promise<GovernanceWaiting> {
  const actor =
    known?.userId === userId ? known : await loadActor(deps.db, teamId, userId, deps.admins);
  const executive = actor.roles.some((r) => r === 'executive' || r === 'admin');
  const owner = actor.roles.includes('operator');
  // Both lists in one statement (escalationsReaching and risksOwnedBy, as they were).
  const { escalations, risks } = await governanceWaitingRows(
    deps.db,
    teamId,
    userId,
    executive ? 'all' : owner ? 'own' : 'none',
  );
  return {
    escalations: escalations.map((e) => ({
      id: e.id,
      ref: e.ref,
      slug: e.slug,
      severity: e.severity,
      needed: e.needed ?? '',
      level: e.level ?? 0,
      dueAt: e.due_at as Date,
      engagementId: e.engagement_id,
      mayPause: can(actor, 'pause'),
      mayAcknowledge: e.raised_by !== userId,
    })),
    risks: risks.map((r) => ({
      id: r.id,
      ref: r.ref,
      slug: r.slug,
      severity: r.severity,
      title: r.title ?? '',
      state: r.state as RiskState,
    })),
  };
}
