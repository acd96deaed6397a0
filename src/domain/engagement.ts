import type { ApprovalStatus } from './approvals.js';
import type { FitVerdict } from './fit.js';

export const STAGES = [
  'draft',
  'diagnostic_submitted',
  'outputs_reviewed',
  'execution_approved',
  'active',
  'paused',
  'completed',
  'terminated',
] as const;
export type Stage = (typeof STAGES)[number];

export const FINAL_STAGES: readonly Stage[] = ['completed', 'terminated'];

export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  draft: 'draft',
  diagnostic_submitted: 'diagnostic submitted',
  outputs_reviewed: 'outputs reviewed',
  execution_approved: 'execution approved',
  active: 'active',
  paused: 'paused',
  completed: 'completed',
  terminated: 'terminated',
};

export interface ScopeItemFacts {
  readonly ref: string;
  readonly title: string;
  /** YYYY-MM-DD */
  readonly dueDate?: string;
  readonly criteria: readonly string[];
}

/** A review checkpoint (ST-n) of the delivery plan. */
export interface StageCheckpointFacts {
  readonly ref: string;
  readonly name: string;
  /** YYYY-MM-DD */
  readonly dueDate?: string;
}

/** Slack user IDs per escalation level. */
export interface EscalationPath {
  readonly level1: readonly string[];
  readonly level2: readonly string[];
  readonly level3: readonly string[];
}

/** What the rules need to know about an engagement: plain data, loaded by the service. */
export interface EngagementFacts {
  readonly slug: string;
  readonly stage: Stage;
  readonly requiredApprovals: number;
  readonly diagnostic?: {
    readonly ref: string;
    readonly authorId: string;
    readonly version: number;
  };
  /** authorIds: everyone who authored the requirements, scope items, criteria or stages. */
  readonly requirements:
    | {
        /** EX-n of the latest approval request; absent until requirements are submitted. */
        readonly ref?: string;
        readonly authorIds: readonly string[];
        /** Status of that latest request; absent until requirements are submitted. */
        readonly status?: ApprovalStatus;
        /** Who already voted on that latest request. */
        readonly voterIds?: readonly string[];
      }
    | undefined;
  readonly scopeItems: readonly ScopeItemFacts[];
  readonly stages: readonly StageCheckpointFacts[];
  readonly escalationPath: EscalationPath;
  readonly partnerOrg?: {
    readonly id: string;
    readonly name: string;
    readonly latestVerdict?: FitVerdict;
  };
  readonly partnerChannelId?: string;
}

/** True for stages nothing can leave. */
export function isFinalStage(stage: Stage): boolean {
  return FINAL_STAGES.includes(stage);
}

/** True when `value` is a stage name. */
export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/** How an engagement is named in messages: its slug in upper case ("ACME-Q3"). */
export function engagementLabel(slug: string): string {
  return slug.toUpperCase();
}

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string | undefined): text is string {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
