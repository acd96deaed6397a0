import { type ApprovalRequest, approverIds } from './approvals.js';
import {
  type EngagementFacts,
  engagementLabel,
  isFinalStage,
  STAGES,
  type Stage,
} from './engagement.js';
import {
  executionApprovalTallyGaps,
  executionRequirementsGaps,
  partnerActivationGaps,
  systemEntryGaps,
} from './gates.js';
import type { Capability } from './roles.js';
import { isPresent } from './text.js';

export const LIFECYCLE_ACTIONS = [
  'submit_diagnostic',
  'review_outputs',
  'send_back',
  'approve_execution',
  'activate',
  'pause',
  'resume',
  'complete',
  'terminate',
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export interface TransitionInput {
  readonly reason?: string;
  readonly note?: string;
  /** For approve_execution: the completed N-of-M request for the requirements. */
  readonly approval?: ApprovalRequest;
  /** Who can grant roles, named in a `no_role` refusal (e.g. Slack mentions). */
  readonly adminNames?: readonly string[];
}

export interface DecisionToRecord {
  readonly kind: string;
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

interface Gate {
  readonly name: string;
  readonly gaps: (facts: EngagementFacts, input: TransitionInput) => string[];
}

export interface TransitionRule {
  readonly action: LifecycleAction;
  readonly from: readonly Stage[];
  readonly to: Stage;
  readonly capability: Capability;
  readonly reasonRequired: boolean;
  readonly recordKind: string;
  /** Completes "… before X" / "past the point where X". */
  readonly phrase: string;
  readonly gate?: Gate;
  /** Who may not take this transition, and what they authored. */
  readonly authoredBy?: (facts: EngagementFacts) => { authorIds: readonly string[]; what: string };
  readonly summary: (facts: EngagementFacts, input: TransitionInput) => string;
  readonly details?: (facts: EngagementFacts, input: TransitionInput) => Record<string, unknown>;
}

const NON_FINAL = STAGES.filter((stage) => !isFinalStage(stage));
const withNote = (text: string, input: TransitionInput) =>
  isPresent(input.note) ? `${text} Note: ${input.note.trim()}` : text;

/** The lifecycle of PRODUCT.md section 4: one row per action. */
export const TRANSITIONS: Readonly<Record<LifecycleAction, TransitionRule>> = {
  submit_diagnostic: {
    action: 'submit_diagnostic',
    from: ['draft'],
    to: 'diagnostic_submitted',
    capability: 'submit_diagnostic',
    reasonRequired: false,
    recordKind: 'engagement.diagnostic_submitted',
    phrase: 'the Diagnostic can be submitted',
    gate: { name: 'System entry', gaps: (facts) => systemEntryGaps(facts) },
    summary: (f) =>
      `Diagnostic ${f.diagnostic?.ref} (v${f.diagnostic?.version}) submitted for output review.`,
    details: (f) => ({
      diagnosticRef: f.diagnostic?.ref,
      diagnosticVersion: f.diagnostic?.version,
    }),
  },
  review_outputs: {
    action: 'review_outputs',
    from: ['diagnostic_submitted'],
    to: 'outputs_reviewed',
    capability: 'review_outputs',
    reasonRequired: false,
    recordKind: 'engagement.outputs_reviewed',
    phrase: 'outputs can be reviewed',
    gate: { name: 'Output review', gaps: (facts) => systemEntryGaps(facts) },
    authoredBy: (f) => ({
      authorIds: f.diagnostic ? [f.diagnostic.authorId] : [],
      what: `${f.diagnostic?.ref}`,
    }),
    summary: (f, i) =>
      withNote(
        `Outputs of ${f.diagnostic?.ref} reviewed: priorities, scope and sequencing confirmed.`,
        i,
      ),
    details: (f) => ({
      diagnosticRef: f.diagnostic?.ref,
      diagnosticVersion: f.diagnostic?.version,
    }),
  },
  send_back: {
    action: 'send_back',
    from: ['diagnostic_submitted', 'outputs_reviewed'],
    to: 'draft',
    capability: 'review_outputs',
    reasonRequired: true,
    recordKind: 'engagement.sent_back',
    phrase: 'it can be sent back to draft',
    summary: (_f, i) => `Sent back to draft: ${i.reason?.trim()}`,
    details: (f) => ({ diagnosticRef: f.diagnostic?.ref ?? null }),
  },
  approve_execution: {
    action: 'approve_execution',
    from: ['outputs_reviewed'],
    to: 'execution_approved',
    capability: 'approve',
    reasonRequired: false,
    recordKind: 'engagement.execution_approved',
    phrase: 'execution requirements can be approved',
    gate: {
      name: 'Execution approval',
      gaps: (facts, input) => [
        ...executionRequirementsGaps(facts),
        ...executionApprovalTallyGaps(facts, input.approval),
      ],
    },
    authoredBy: (f) => ({
      authorIds: f.requirements?.authorIds ?? [],
      what: `the execution requirements ${f.requirements?.ref ?? ''}`.trim(),
    }),
    summary: (f, i) =>
      `Execution requirements ${f.requirements?.ref} approved (${approverCount(i.approval)} of ${f.requiredApprovals}).`,
    details: (f, i) => ({
      requirementsRef: f.requirements?.ref,
      approverIds: i.approval ? approverIds(i.approval) : [],
      requiredApprovals: f.requiredApprovals,
      scopeRefs: f.scopeItems.map((s) => s.ref),
      stageRefs: f.stages.map((s) => s.ref),
    }),
  },
  activate: {
    action: 'activate',
    from: ['execution_approved'],
    to: 'active',
    capability: 'activate',
    reasonRequired: false,
    recordKind: 'engagement.activated',
    phrase: 'the partner can be activated',
    gate: { name: 'Partner activation', gaps: (facts) => partnerActivationGaps(facts) },
    summary: (f, i) =>
      withNote(`${f.partnerOrg?.name} activated on ${engagementLabel(f.slug)}.`, i),
    details: (f) => ({
      partnerOrgId: f.partnerOrg?.id,
      partnerOrgName: f.partnerOrg?.name,
      partnerChannelId: f.partnerChannelId,
    }),
  },
  pause: {
    action: 'pause',
    from: ['active'],
    to: 'paused',
    capability: 'pause',
    reasonRequired: true,
    recordKind: 'engagement.paused',
    phrase: 'it can be paused',
    summary: (_f, i) => `Paused: ${i.reason?.trim()}`,
  },
  resume: {
    action: 'resume',
    from: ['paused'],
    to: 'active',
    capability: 'resume',
    reasonRequired: false,
    recordKind: 'engagement.resumed',
    phrase: 'it can be resumed',
    summary: (_f, i) => withNote('Resumed.', i),
  },
  complete: {
    action: 'complete',
    from: ['active', 'paused'],
    to: 'completed',
    capability: 'complete',
    reasonRequired: false,
    recordKind: 'engagement.completed',
    phrase: 'it can be completed',
    summary: (_f, i) => withNote('Completed.', i),
  },
  terminate: {
    action: 'terminate',
    from: NON_FINAL,
    to: 'terminated',
    capability: 'terminate',
    reasonRequired: true,
    recordKind: 'engagement.terminated',
    phrase: 'it can be terminated',
    summary: (_f, i) => `Terminated: ${i.reason?.trim()}`,
  },
};

function approverCount(approval: ApprovalRequest | undefined): number {
  return approval ? approverIds(approval).length : 0;
}
