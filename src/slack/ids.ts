/** Every slash command, callback, block and action id the app uses, in one place. */
export const COMMAND = '/amos';

export const EVENTS = {
  appHomeOpened: 'app_home_opened',
  userChange: 'user_change',
} as const;

export const HOME = {
  helpBlock: 'home_help',
  /** "Review" next to a deliverable waiting for review (value: `<slug> <DL-n>`). */
  reviewDeliverableAction: 'home_review_deliverable',
} as const;

/** Partner activation, the charter acknowledgement, and partner channel gating. */
export const ACTIVATION = {
  memberJoinedEvent: 'member_joined_channel',
  messageEvent: 'message',
  requirementsBlock: 'activation_requirements',
  charterBlock: 'activation_charter',
  charterAckBlock: 'charter_ack',
  charterAckAction: 'charter_acknowledge',
  retrySetupBlock: 'activation_retry',
  retrySetupAction: 'activation_retry_setup',
} as const;

/** Partner fit assessment modal: one yes/no block and one evidence block per criterion key. */
export const FIT = {
  callbackId: 'fit_assessment',
  introBlock: 'fit_intro',
  holdsAction: 'fit_holds',
  evidenceAction: 'fit_evidence',
  holdsBlock: (criterionKey: string) => `fit_${criterionKey}_holds`,
  evidenceBlock: (criterionKey: string) => `fit_${criterionKey}_evidence`,
} as const;

/** `/amos new`: the engagement modal; each input block holds one element with action id `value`. */
export const NEW_ENGAGEMENT = {
  callbackId: 'engagement_new',
  inputAction: 'value',
  blocks: {
    name: 'engagement_name',
    slug: 'engagement_slug',
    client: 'engagement_client',
    sponsors: 'engagement_sponsors',
    operator: 'engagement_operator',
    partnerOrg: 'engagement_partner_org',
    partnerOrgNone: 'engagement_partner_org_none',
    channelName: 'engagement_channel_name',
    channelExisting: 'engagement_channel_existing',
    escalation1: 'engagement_escalation_1',
    escalation2: 'engagement_escalation_2',
    escalation3: 'engagement_escalation_3',
    requiredApprovals: 'engagement_required_approvals',
  },
  /** Link a partner channel later (button in the creator's DM, then a small modal). */
  linkChannelAction: 'engagement_link_channel',
  linkChannelCallbackId: 'engagement_link_channel',
} as const;

/** `/amos diagnostic` (System Entry) and `/amos review` (Output Review). */
export const DIAGNOSTIC_FORM = {
  callbackId: 'diagnostic_submit',
  inputAction: 'value',
  blocks: {
    intro: 'diagnostic_intro',
    priorities: 'diagnostic_priorities',
    scores: 'diagnostic_scores',
    findings: 'diagnostic_findings',
    recommendedScope: 'diagnostic_recommended_scope',
  },
  reviewActionsBlock: 'review_actions',
  confirmAction: 'review_confirm',
  sendBackAction: 'review_send_back',
  sendBackCallbackId: 'review_send_back',
  reasonBlock: 'review_send_back_reason',
} as const;

/** Execution requirements (`/amos scope`): overview buttons and the two modals. */
export const SCOPE = {
  actionsBlock: 'scope_actions',
  addItemAction: 'scope_add_item',
  addStageAction: 'scope_add_stage',
  submitAction: 'scope_submit',
  itemModal: 'scope_item_modal',
  stageModal: 'scope_stage_modal',
  titleBlock: 'scope_title',
  titleAction: 'title',
  criteriaBlock: 'scope_criteria',
  criteriaAction: 'criteria',
  dueBlock: 'scope_due',
  dueAction: 'due_date',
  stageNameBlock: 'scope_stage_name',
  stageNameAction: 'name',
  stageDateBlock: 'scope_stage_date',
  stageDateAction: 'date',
} as const;

/** Approval requests: Approve / Reject on every copy, and the modal asking why. */
export const APPROVAL = {
  approveAction: 'approval_approve',
  rejectAction: 'approval_reject',
  actionsBlock: (approvalRequestId: string) => `approval_actions:${approvalRequestId}`,
  decisionBlock: 'approval_decision',
  rejectModal: 'approval_reject_modal',
  reasonBlock: 'approval_reason',
  reasonAction: 'reason',
} as const;

/** Governed delivery: `/amos change`, `/amos deliver` and the deliverable review modal. */
export const DELIVERY = {
  inputAction: 'value',
  changeModal: 'change_request_modal',
  deliverModal: 'deliverable_modal',
  reviewModal: 'deliverable_review_modal',
  change: {
    type: 'change_type',
    description: 'change_description',
    impact: 'change_impact',
    rationale: 'change_rationale',
    addTitle: 'change_add_title',
    addCriteria: 'change_add_criteria',
    addDue: 'change_add_due',
    amendRef: 'change_amend_ref',
    amendTitle: 'change_amend_title',
    amendCriteria: 'change_amend_criteria',
    amendDue: 'change_amend_due',
  },
  deliver: {
    item: 'deliverable_item',
    link: 'deliverable_link',
    summary: 'deliverable_summary',
  },
  criterionBlock: (i: number) => `review_criterion_${i}`,
  criterionNoteBlock: (i: number) => `review_note_${i}`,
} as const;

/** Risks (`/amos risk`, the "Raise AMOS risk" message shortcut) and escalations (`/amos escalate`). */
export const RISK = {
  inputAction: 'value',
  modal: 'risk_modal',
  escalationModal: 'escalation_modal',
  /** The message shortcut's callback id (manifest.yml). */
  shortcut: 'raise_amos_risk',
  risk: {
    title: 'risk_title',
    category: 'risk_category',
    severity: 'risk_severity',
    description: 'risk_description',
    mitigation: 'risk_mitigation',
  },
  escalation: {
    category: 'escalation_category',
    severity: 'escalation_severity',
    needed: 'escalation_needed',
    byWhen: 'escalation_by_when',
  },
  riskActionsBlock: 'risk_actions',
  riskAckAction: 'risk_ack',
  riskMitigatedAction: 'risk_mitigated',
  riskClosedAction: 'risk_closed',
  escalationActionsBlock: 'escalation_actions',
  acknowledgeAction: 'escalation_acknowledge',
  resolveAction: 'escalation_resolve',
  // Pause engagement on an escalation DM (executives) is STOP.pauseEngagement below.
} as const;

/**
 * Stop authority: the executive-only Pause button (value: the engagement id; escalation DMs
 * carry it) and the reason modal it opens.
 */
export const STOP = {
  pauseEngagement: 'engagement_pause',
  pauseModal: 'engagement_pause_modal',
  reasonBlock: 'engagement_pause_reason',
  inputAction: 'value',
} as const;
