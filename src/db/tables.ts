import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** A Slack workspace the app serves; the row every other table's `team_id` points at. */
export interface WorkspaceTable {
  team_id: string;
  team_name: string | null;
  bot_user_id: string | null;
  bot_id: string | null;
  /** AES-256-GCM ciphertext of the bot token (OAuth installs only). */
  bot_token_encrypted: string | null;
  installed_by: string | null;
  /** AES-256-GCM ciphertext of the OAuth installation JSON (OAuth installs only). */
  installation_encrypted: ColumnType<string | null, string | null | undefined, string | null>;
  /** keyFingerprint of the AMOS_ENCRYPTION_KEY that encrypted the installation. */
  installation_key_fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  uninstalled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  installed_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One row per Events API delivery handled, so Slack's retries have no second effect. */
export interface SlackEventReceiptTable {
  team_id: string;
  event_id: string;
  event_type: string;
  received_at: CreatedAt;
}

export interface RequestReceiptTable {
  request_key: string;
  team_id: string;
  received_at: CreatedAt;
}

export type RoleName = 'admin' | 'executive' | 'operator' | 'partner';
type Uuid = ColumnType<string, string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface RoleGrantTable {
  team_id: string;
  user_id: string;
  role: RoleName;
  granted_by: string;
  granted_at: CreatedAt;
}

export interface PartnerOrgTable {
  team_id: string;
  id: Uuid;
  name: string;
  created_by: string;
  created_at: CreatedAt;
}

export interface PartnerMemberTable {
  team_id: string;
  partner_org_id: string;
  user_id: string;
  added_by: string;
  added_at: CreatedAt;
}

export interface FitAssessmentTable {
  team_id: string;
  id: Uuid;
  partner_org_id: string;
  version: number;
  /** Record<FitCriterionKey, { holds: boolean; evidence: string }> */
  answers: Json<Record<string, { holds: boolean; evidence: string }>>;
  verdict: 'fit' | 'not_fit' | 'needs_conversation';
  summary: string;
  assessed_by: string;
  assessed_at: Date;
}

export interface EscalationPathJson {
  level1: string[];
  level2: string[];
  level3: string[];
}

export interface EngagementTable {
  team_id: string;
  id: Uuid;
  slug: string;
  name: string;
  client: string;
  stage: ColumnType<string, string | undefined, string>;
  required_approvals: ColumnType<number, number | undefined, number>;
  sponsor_ids: ColumnType<string[], string[] | undefined, string[]>;
  operator_id: string;
  partner_org_id: string | null;
  partner_channel_id: string | null;
  escalation_path: ColumnType<EscalationPathJson, string | undefined, string>;
  /** The last number handed out per reference kind: { "SC": 3, "EX": 1 }. */
  ref_counters: ColumnType<Record<string, number>, string | undefined, string>;
  /** Per-subject approval counts ({ "change_request": 2 }); absent: `required_approvals`. */
  subject_approvals: ColumnType<Record<string, number>, string | undefined, string>;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  /** Why, by whom and when it was paused or terminated (migration 20261202130000); null otherwise. */
  halt_reason: ColumnType<string | null, string | null | undefined, string | null>;
  halted_by: ColumnType<string | null, string | null | undefined, string | null>;
  halted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface DiagnosticTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  version: number;
  /** Ranked, first is most important. */
  priorities: Json<string[]>;
  /** Dimension -> score 0-100. */
  scores: Json<Record<string, number>>;
  findings: string;
  recommended_scope: string;
  author_id: string;
  submitted_at: Date;
  frozen_at: Date | null;
}

export interface ScopeItemTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  title: string;
  /** YYYY-MM-DD */
  due_date: string | null;
  criteria: ColumnType<string[], string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  author_id: string;
  created_at: Date;
  /** When a deliverable for it was accepted, and which (DL-n). */
  done_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  done_by_ref: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StageCheckpointTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  name: string;
  due_date: string | null;
  author_id: string;
  created_at: Date;
  /** Its SR-n from before checkpoints were numbered ST-n (migration 20261201150000). */
  legacy_ref: ColumnType<string | null, string | null | undefined, never>;
}

/** Every reference handed out in an engagement, once; a legacy alias names what it stands for. */
export interface ItemRefTable {
  team_id: string;
  engagement_id: string;
  ref: string;
  kind: string;
  alias_of: string | null;
}

export interface VersionedScopeItemJson {
  ref: string;
  title: string;
  criteria: string[];
  dueDate: string | null;
}

export interface ScopeVersionTable {
  team_id: string;
  engagement_id: string;
  version: number;
  items: Json<VersionedScopeItemJson[]>;
  change_ref: string | null;
  created_by: string;
  created_at: Date;
}

export interface ScopeAmendmentJson {
  add: { title: string; criteria: string[]; dueDate: string }[];
  amend: { ref: string; title?: string; criteria?: string[]; dueDate?: string }[];
}

export interface ChangeRequestTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  type: 'scope' | 'timeline' | 'tooling' | 'process';
  description: string;
  impact: string;
  rationale: string;
  amendment: Json<ScopeAmendmentJson>;
  approval_request_id: string;
  scope_version: ColumnType<number | null, number | null | undefined, number | null>;
  raised_by: string;
  raised_at: Date;
}

export interface DeliverableTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  scope_ref: string;
  status: 'waiting' | 'accepted' | 'returned';
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface DeliverableVersionTable {
  team_id: string;
  deliverable_id: string;
  version: number;
  link: string;
  summary: string;
  submitted_by: string;
  submitted_at: Date;
  verdict: ColumnType<
    'accepted' | 'returned' | null,
    'accepted' | 'returned' | null | undefined,
    'accepted' | 'returned' | null
  >;
  reviewed_by: ColumnType<string | null, string | null | undefined, string | null>;
  reviewed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface CriterionResultTable {
  team_id: string;
  deliverable_id: string;
  version: number;
  position: number;
  criterion: string;
  met: boolean;
  note: string;
}

export interface StageReviewTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  checkpoint_ref: string;
  outcome: string;
  approval_request_id: string;
  submitted_by: string;
  submitted_at: Date;
}

export interface VoteJson {
  userId: string;
  decision: 'approve' | 'reject';
  note?: string;
  at: string;
}

export interface ApprovalRequestTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  /** What is approved: 'execution_requirements' (later also 'change_request'). */
  subject: string;
  required_approvals: number;
  requester_ids: string[];
  status: ColumnType<
    'pending' | 'approved' | 'rejected' | 'withdrawn',
    'pending' | undefined,
    'pending' | 'approved' | 'rejected' | 'withdrawn'
  >;
  votes: ColumnType<VoteJson[], string | undefined, string>;
  requested_by: string;
  requested_at: Date;
  decided_at: Date | null;
  /** Who sent the Diagnostic outputs back, withdrawing the request (migration 20261125180000). */
  withdrawn_by: string | null;
  /** Why it was withdrawn: null (outputs sent back) or 'terminated' (migration 20261202130000). */
  withdrawn_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApprovalMessageTable {
  team_id: string;
  approval_request_id: string;
  channel_id: string;
  ts: string;
  recipient_id: string | null;
}

export interface CharterAckTable {
  team_id: string;
  engagement_id: string;
  user_id: string;
  charter_version: number;
  acked_at: Date;
}

export interface DecisionRecordTable {
  team_id: string;
  id: Generated<string>;
  engagement_id: string | null;
  chain_key: string;
  seq: number;
  at: Date;
  actor_id: string;
  actor_role: string;
  kind: string;
  subject_ref: string | null;
  summary: string;
  details: Json<unknown>;
  prev_hash: string;
  hash: string;
}

export type ReminderStatus = 'pending' | 'held' | 'done' | 'sent' | 'dropped' | 'cancelled';

/** A due moment of the scheduler (migration 20261201130000), unique by its key. */
export interface ScheduledReminderTable {
  key: string;
  team_id: string;
  kind: string;
  engagement_id: string | null;
  subject_id: string;
  /** null: the due moment, fanned out when it comes; 'U…' a DM; 'C…' a channel post. */
  recipient: string | null;
  due_at: Date;
  send_at: Date;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: ColumnType<ReminderStatus, ReminderStatus | undefined, ReminderStatus>;
  outcome: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** What the scheduler caches of a Slack user (users.info, user_change). */
export interface SlackUserTable {
  team_id: string;
  user_id: string;
  time_zone: string | null;
  fetched_at: Date;
}

export interface Database {
  workspace: WorkspaceTable;
  slack_event_receipt: SlackEventReceiptTable;
  request_receipt: RequestReceiptTable;
  role_grant: RoleGrantTable;
  partner_org: PartnerOrgTable;
  partner_member: PartnerMemberTable;
  fit_assessment: FitAssessmentTable;
  engagement: EngagementTable;
  diagnostic: DiagnosticTable;
  scope_item: ScopeItemTable;
  stage_checkpoint: StageCheckpointTable;
  approval_request: ApprovalRequestTable;
  approval_message: ApprovalMessageTable;
  charter_ack: CharterAckTable;
  decision_record: DecisionRecordTable;
  scheduled_reminder: ScheduledReminderTable;
  slack_user: SlackUserTable;
  item_ref: ItemRefTable;
  scope_version: ScopeVersionTable;
  change_request: ChangeRequestTable;
  deliverable: DeliverableTable;
  deliverable_version: DeliverableVersionTable;
  criterion_result: CriterionResultTable;
  stage_review: StageReviewTable;
  slack_delivery: SlackDeliveryTable;
  risk: RiskTable;
  escalation: EscalationTable;
  governance_message: GovernanceMessageTable;
}

/** The delivery ledger of follow-up jobs: one row per Slack effect that must happen at most once. */
export interface SlackDeliveryTable {
  team_id: string;
  key: string;
  status: 'sending' | 'sent' | 'failed' | 'done';
  channel_id: string | null;
  ts: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  lease_until: Date | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

type Severity = 'low' | 'medium' | 'high' | 'critical';
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** An RK-n risk (migration 20261202120000). */
export interface RiskTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  title: string;
  category: 'scope' | 'quality' | 'timeline' | 'data' | 'other';
  severity: Severity;
  description: string;
  mitigation: string;
  message_link: Nullable<string>;
  state: 'open' | 'acknowledged' | 'mitigated' | 'closed';
  owner_id: string;
  escalation_id: Nullable<string>;
  form_id: Nullable<string>;
  raised_by: string;
  raised_at: Date;
  updated_by: Nullable<string>;
  updated_at: Date;
}

/** An ES-n escalation climbing the escalation path (migration 20261202120000). */
export interface EscalationTable {
  team_id: string;
  id: Uuid;
  engagement_id: string;
  ref: string;
  category: 'scope' | 'quality' | 'timeline' | 'risk';
  severity: Severity;
  needed: string;
  by_when: Nullable<string>;
  state: 'open' | 'acknowledged' | 'resolved';
  level: number;
  step: ColumnType<number, number | undefined, number>;
  level_since: Date;
  due_at: Date;
  reached_ids: string[];
  risk_ref: Nullable<string>;
  form_id: Nullable<string>;
  raised_by: string;
  raised_at: Date;
  acted_by: Nullable<string>;
  acted_at: Nullable<Date>;
  updated_at: Date;
}

/** A Slack message showing a risk or an escalation, updated in place when it moves. */
export interface GovernanceMessageTable {
  team_id: string;
  subject_type: 'risk' | 'escalation';
  subject_id: string;
  channel_id: string;
  ts: string;
  recipient_id: string | null;
}

export type { Generated };
