import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngagementRow } from '../../src/db/engagement-repository.js';
import { chainNext } from '../../src/domain/decision-record.js';
import { weeklyDigest } from '../../src/domain/digest.js';
import type { ApprovalView } from '../../src/services/approval-view-service.js';
import type { EngagementStatus } from '../../src/services/engagement-status-service.js';
import * as activation from '../../src/slack/blocks/activation.js';
import * as approval from '../../src/slack/blocks/approval.js';
import * as approvalReplies from '../../src/slack/blocks/approval-replies.js';
import * as dates from '../../src/slack/blocks/dates.js';
import * as decisionLog from '../../src/slack/blocks/decision-log.js';
import * as diagnostic from '../../src/slack/blocks/diagnostic.js';
import * as digest from '../../src/slack/blocks/digest.js';
import * as fit from '../../src/slack/blocks/fit.js';
import * as gating from '../../src/slack/blocks/gating.js';
import * as governedDelivery from '../../src/slack/blocks/governed-delivery.js';
import * as help from '../../src/slack/blocks/help.js';
import * as home from '../../src/slack/blocks/home.js';
import * as newEngagement from '../../src/slack/blocks/new-engagement.js';
import * as partnerAssign from '../../src/slack/blocks/partner-assign.js';
import * as partners from '../../src/slack/blocks/partners.js';
import * as reminders from '../../src/slack/blocks/reminders.js';
import * as requirements from '../../src/slack/blocks/requirements.js';
import * as risk from '../../src/slack/blocks/risk.js';
import * as roles from '../../src/slack/blocks/roles.js';
import * as scope from '../../src/slack/blocks/scope.js';
import * as slackError from '../../src/slack/blocks/slack-error.js';
import * as status from '../../src/slack/blocks/status.js';
import * as stopAuthority from '../../src/slack/blocks/stop-authority.js';
import * as text from '../../src/slack/blocks/text.js';
import { parsePartnerCommand } from '../../src/slack/inputs/partners.js';
import { parseRoleCommand } from '../../src/slack/inputs/roles.js';

// Every block builder gets hostile typed text in every typed field; nothing Slack would treat
// as a mention, broadcast or link may survive in mrkdwn, and typed `&lt;` stays visible as typed.

const HOSTILE =
  'Evil <!channel> <!here> <!everyone> <@U123> <#C123> <!subteam^S1> <https://evil|click> &lt; *bold*';
const LIVE = ['<!channel', '<!here', '<!everyone', '<@U123', '<#C123', '<!subteam', '<http'];
const AT = new Date('2026-11-25T13:00:00Z');

const MODULES: Record<string, Record<string, unknown>> = {
  activation,
  'approval-replies': approvalReplies,
  approval,
  dates,
  'decision-log': decisionLog,
  diagnostic,
  digest,
  reminders,
  fit,
  gating,
  'governed-delivery': governedDelivery,
  help,
  home,
  'new-engagement': newEngagement,
  'partner-assign': partnerAssign,
  partners,
  requirements,
  risk,
  roles,
  scope,
  'slack-error': slackError,
  status,
  'stop-authority': stopAuthority,
  text,
};

const items = [
  { ref: 'SC-1', title: HOSTILE, dueDate: '2026-12-15', criteria: [HOSTILE, 'Plain'] },
];
const stages = [{ ref: 'SR-1', name: HOSTILE, dueDate: '2026-12-01' }];
const org = { id: 'o1', name: HOSTILE, createdBy: 'U0ADMIN', createdAt: AT };

const approvalView = (o: Partial<ApprovalView> = {}): ApprovalView => ({
  teamId: 'T1',
  id: '11111111-2222-3333-4444-555555555555',
  ref: 'EX-1',
  subject: 'execution_requirements',
  status: 'pending',
  requiredApprovals: 2,
  requesterIds: ['U0OPER'],
  requestedBy: 'U0OPER',
  requestedAt: AT,
  decidedAt: null,
  votes: [],
  approverIds: [],
  engagement: {
    id: 'e1',
    slug: 'acme-q3',
    label: 'ACME-Q3',
    name: HOSTILE,
    client: HOSTILE,
    stage: 'outputs_reviewed',
    sponsorIds: ['U0ERIN'],
    escalationLevel1: ['U0ERIN'],
  },
  scopeItems: items,
  stages,
  copies: [],
  ...o,
});
const approved = approvalView({
  status: 'approved',
  decidedAt: AT,
  votes: [{ userId: 'U0ERIN', decision: 'approve', note: HOSTILE, at: AT }],
  approverIds: ['U0ERIN'],
});
const rejected = approvalView({
  status: 'rejected',
  decidedAt: AT,
  votes: [{ userId: 'U0ERIN', decision: 'reject', note: HOSTILE, at: AT }],
});

const engagementRow = {
  id: 'e1',
  slug: 'acme-q3',
  name: HOSTILE,
  client: HOSTILE,
  stage: 'draft',
  operator_id: 'U0OPER',
  sponsor_ids: ['U0ERIN'],
  partner_channel_id: 'C0PART',
  required_approvals: 1,
  escalation_path: { level1: ['U0ERIN'], level2: [], level3: [] },
} as unknown as EngagementRow;

const diagnosticVersion = {
  ref: 'DX-1',
  version: 1,
  authorId: 'U0OPER',
  submittedAt: AT,
  frozenAt: null,
  priorities: [HOSTILE],
  scores: { [HOSTILE]: 40 },
  findings: HOSTILE,
  recommendedScope: HOSTILE,
};
const diagEngagement = { id: 'e1', slug: 'acme-q3', name: HOSTILE, stage: 'diagnostic_submitted' };

const storedFit = {
  id: 'f1',
  partnerOrgId: 'o1',
  version: 1,
  answers: { execution_partner_role: { holds: true, evidence: HOSTILE } },
  verdict: 'needs_conversation' as const,
  summary: 'x',
  assessedBy: 'U0EXEC',
  assessedAt: AT,
};

const record = chainNext(null, {
  teamId: 'T1',
  engagementId: 'e1',
  at: AT,
  actorId: 'U0EXEC',
  actorRole: 'executive',
  kind: 'approval.rejected',
  subjectRef: 'EX-1',
  summary: `Rejected: ${HOSTILE}`,
  details: { userId: 'U0EXEC' },
});

const commands = [{ name: 'status', usage: 'status [slug]', summary: 'where it stands' }];

/**
 * Each export of src/slack/blocks/*: a call with hostile typed text (or `typed: false` for a
 * builder that takes no typed text), or `null` for what is not a builder (types, constants,
 * the escaping helpers themselves).
 */
interface Case {
  readonly run: () => unknown;
  /** False for a builder that takes no typed text. */
  readonly typed?: false;
  /** Typed text expected as typed in plain_text or an input's initial_value. */
  readonly raw?: readonly string[];
  /** What the typed text must look like in mrkdwn (escaped once) when it is not all of it. */
  readonly shows?: string;
}

const ECHOED = '<!channel> grant';
const echo = { shows: '`&lt;!channel&gt;` is not something' };
const logShows = 'Evil @channel @here @everyone &lt;@U123&gt; &lt;#C123&gt; &lt;!subteam^S1&gt;';

const scopeVersion = { version: 2, changeRef: 'CR-1', items };
const stopOutcome = {
  teamId: 'T1',
  action: 'terminate' as const,
  engagement: {
    id: 'e1',
    slug: 'acme-q3',
    name: HOSTILE,
    stage: 'terminated' as const,
    partnerChannelId: 'C0PART',
    sponsorIds: ['U0ERIN'],
    operatorId: 'U0OPER',
  },
  actorId: 'U0ERIN',
  reason: HOSTILE,
  record: {} as never,
  withdrawn: ['CR-1'],
};
const CASES: Record<string, Case | null> = {
  'governed-delivery.changeRequestModal': {
    run: () => governedDelivery.changeRequestModal({ slug: 'acme-q3' }, scopeVersion),
  },
  'governed-delivery.deliverableModal': {
    run: () => governedDelivery.deliverableModal({ slug: 'acme-q3' }, scopeVersion, items),
  },
  'governed-delivery.reviewModal': {
    run: () =>
      governedDelivery.reviewModal(
        { slug: 'acme-q3', ref: 'DL-1', version: 1 },
        {
          ref: 'DL-1',
          version: 1,
          scopeRef: 'SC-1',
          criteria: [HOSTILE],
          link: 'https://docs.example.com',
          summary: HOSTILE,
        },
      ),
  },
  'governed-delivery.scopeAmendedNotice': {
    run: () =>
      governedDelivery.scopeAmendedNotice({
        slug: 'acme-q3',
        changeRef: 'CR-1',
        description: HOSTILE,
        version: 2,
        added: items,
        amended: items,
      }),
  },
  'governed-delivery.scopeVersionMessage': {
    run: () => governedDelivery.scopeVersionMessage('acme-q3', scopeVersion, 2),
  },
  'activation.packSections': { run: () => activation.packSections([text.esc(HOSTILE)]) },
  'activation.requirementsMessage': {
    run: () =>
      activation.requirementsMessage({
        slug: 'acme-q3',
        name: HOSTILE,
        client: HOSTILE,
        partnerName: HOSTILE,
        requirementsRef: 'EX-1',
        scopeItems: items,
        stages,
      }),
  },
  'activation.charterMessage': { run: () => activation.charterMessage('acme-q3', HOSTILE) },
  'activation.charterAckMessage': {
    typed: false,
    run: () =>
      activation.charterAckMessage({
        engagementId: 'e1',
        slug: 'acme-q3',
        memberIds: ['U0PART'],
        acks: [],
      }),
  },
  'activation.charterAckConfirmation': {
    typed: false,
    run: () => activation.charterAckConfirmation('acme-q3', true),
  },
  'activation.activationReply': {
    run: () =>
      activation.activationReply({
        slug: 'acme-q3',
        partnerName: HOSTILE,
        channelId: 'C0PART',
        memberIds: ['U0PART'],
        problems: [],
      }),
  },
  'approval-replies.waitingList': {
    run: () => approvalReplies.waitingList({ views: [approvalView()], total: 1 }),
  },
  'approval-replies.voteReply': {
    run: () =>
      approvalReplies.voteReply(
        {
          kind: 'already_decided',
          approvalRequestId: 'x',
          ref: 'EX-1',
          slug: 'acme-q3',
          message: 'decided',
        },
        rejected,
        'U0ERIN',
      ),
  },
  'approval-replies.rejectModal': {
    run: () => approvalReplies.rejectModal(approvalView(), '{}'),
  },
  'approval-replies.noticeModal': {
    typed: false,
    run: () => approvalReplies.noticeModal('Nothing to do', 'Already decided.'),
  },
  'approval.subjectText': { typed: false, run: () => approval.subjectText(approvalView()) },
  'approval.tallyLine': { typed: false, run: () => approval.tallyLine(approved) },
  'approval.decisionLine': {
    run: () => [approval.decisionLine(approved), approval.decisionLine(rejected)],
  },
  'approval.approvalMessage': {
    run: () => [
      approval.approvalMessage(approvalView(), 'U0ERIN'),
      approval.approvalMessage(rejected, null),
    ],
  },
  'approval.requesterNotice': { run: () => approval.requesterNotice(rejected) },
  'dates.slackDate': { typed: false, run: () => dates.slackDate(AT) },
  'dates.calendarDate': { typed: false, run: () => dates.calendarDate('2026-12-01') },
  'decision-log.LOG_LATEST': null,
  'digest.DIGEST_ENGAGEMENTS_MAX': null,
  'digest.weeklyDigestMessage': {
    run: () =>
      digest.weeklyDigestMessage(
        weeklyDigest({
          teamId: 'T1',
          executiveId: 'U0EXEC',
          now: AT,
          timeZone: 'UTC',
          engagements: [
            {
              id: 'e1',
              slug: 'acme-q3',
              name: HOSTILE,
              stage: 'active',
              stageSince: AT,
              dueItems: [{ ref: 'SC-1', title: HOSTILE, dueDate: '2026-11-01' }],
              pendingApprovals: [],
              head: { seq: 1, hash: 'a'.repeat(64) },
            },
          ],
        }),
      ),
  },
  'reminders.approvalReminderMessage': {
    run: () => reminders.approvalReminderMessage(approvalView(), 'U0ERIN', AT),
  },
  'reminders.dueItemMessage': {
    run: () =>
      reminders.dueItemMessage({
        kind: 'scope_overdue',
        ref: 'SC-1',
        title: HOSTILE,
        dueDate: '2026-12-01',
        engagement: { slug: 'acme-q3', name: HOSTILE },
        audience: 'channel',
      }),
  },
  'decision-log.summaryMarkdown': {
    shows: logShows,
    run: () => decisionLog.summaryMarkdown(HOSTILE, { userId: 'U0EXEC' }),
  },
  'decision-log.recordSection': { shows: logShows, run: () => decisionLog.recordSection(record) },
  'decision-log.decisionLogMessage': {
    shows: logShows,
    run: () =>
      decisionLog.decisionLogMessage({ engagement: 'acme-q3', total: 1, records: [record] }),
  },
  'diagnostic.diagnosticModal': {
    // Prefilled inputs carry the text as typed: Slack does not parse initial_value.
    raw: [HOSTILE],
    run: () => diagnostic.diagnosticModal(diagEngagement, diagnosticVersion),
  },
  'diagnostic.diagnosticReviewMessage': {
    run: () => diagnostic.diagnosticReviewMessage(diagEngagement, diagnosticVersion, true),
  },
  'diagnostic.sendBackModal': {
    typed: false,
    run: () =>
      diagnostic.sendBackModal({ engagementId: 'e1', slug: 'acme-q3', ref: 'DX-1', version: 1 }),
  },
  'diagnostic.diagnosticReceipt': {
    typed: false,
    run: () =>
      diagnostic.diagnosticReceipt('acme-q3', { status: 'submitted', ref: 'DX-1', version: 1 }),
  },
  'diagnostic.diagnosticAwaitsReview': {
    run: () =>
      diagnostic.diagnosticAwaitsReview(
        { slug: 'acme-q3', name: HOSTILE },
        { status: 'submitted', ref: 'DX-1', version: 1 },
        'U0OPER',
      ),
  },
  'diagnostic.reviewDecisionMessage': {
    run: () =>
      ['confirmed', 'sent_back'].map((d) =>
        diagnostic.reviewDecisionMessage(
          {
            decision: d as 'confirmed' | 'sent_back',
            engagement: { slug: 'acme-q3', operator_id: 'U0OPER' },
            diagnostic: { ref: 'DX-1', version: 1 },
          },
          'U0EXEC',
          HOSTILE,
        ),
      ),
  },
  'fit.FIT_EVIDENCE_MAX': null,
  'fit.fitAssessmentView': {
    raw: [HOSTILE],
    run: () => fit.fitAssessmentView({ org, latest: storedFit }),
  },
  'fit.fitVerdictMessage': {
    run: () =>
      fit.fitVerdictMessage({
        org,
        version: 1,
        assessment: { verdict: 'fit', summary: 'x', redFlags: [], missingSignals: [] },
        repeated: false,
      }),
  },
  // The gating notices carry the domain's sentence, never typed text.
  'gating.partnerRemovedNotice': {
    typed: false,
    run: () => gating.partnerRemovedNotice('acme-q3', 'C0PART', 'It is in draft.'),
  },
  'gating.partnerWarnedNotice': {
    typed: false,
    run: () => gating.partnerWarnedNotice('acme-q3', 'It is in draft.'),
  },
  'gating.operatorWarnNotice': {
    typed: false,
    run: () => gating.operatorWarnNotice('acme-q3', 'C0PART', 'U0PART', 'It is in draft.'),
  },
  'gating.partnerMessageNotice': {
    typed: false,
    run: () => gating.partnerMessageNotice('acme-q3', 'It is in draft.'),
  },
  'gating.partnerCommandRefusal': {
    typed: false,
    run: () => gating.partnerCommandRefusal('scope', 'It is in draft.'),
  },
  'help.helpMessage': { typed: false, run: () => help.helpMessage(commands) },
  'stop-authority.pauseButton': {
    typed: false,
    run: () => ({ type: 'actions', elements: [stopAuthority.pauseButton('e1')] }),
  },
  'stop-authority.pauseModal': {
    run: () => stopAuthority.pauseModal({ id: 'e1', slug: 'acme-q3', name: HOSTILE }),
  },
  'stop-authority.stopReply': {
    run: () => stopAuthority.stopReply(stopOutcome),
  },
  'stop-authority.stopNotice': { run: () => stopAuthority.stopNotice(stopOutcome) },
  'stop-authority.partnerTerminatedNotice': {
    run: () => stopAuthority.partnerTerminatedNotice('acme-q3', 'C0PART', HOSTILE),
  },
  'stop-authority.finalSummaryMessage': {
    run: () =>
      stopAuthority.finalSummaryMessage({
        engagementId: 'e1',
        slug: 'acme-q3',
        name: HOSTILE,
        client: HOSTILE,
        operatorId: 'U0OPER',
        partnerChannelId: 'C0PART',
        reason: HOSTILE,
        terminatedBy: 'U0EXEC',
        terminatedAt: AT,
        transitions: [{ at: AT, from: 'active', to: 'terminated' }],
        gateTimes: { draft: 3_600_000, active: 86_400_000 },
        figures: {
          approvalsOverdue: 0,
          changesApproved: 1,
          changesRejected: 2,
          deliverablesAccepted: 3,
          deliverablesReturned: 1,
          overdueItems: 0,
        },
        withdrawn: ['CR-1'],
        recordCount: 12,
        headHash: 'abcdef0123456789abcdef',
      }),
  },
  'home.homeView': {
    run: () =>
      home.homeView(
        'U0EXEC',
        {
          actor: { userId: 'U0EXEC', roles: ['executive'] } as never,
          waiting: { views: [approvalView()], total: 1 },
          engagements: [
            { slug: 'acme-q3', name: HOSTILE, stage: 'draft' },
            { slug: 'acme-q4', name: HOSTILE, stage: 'diagnostic_submitted' },
          ],
          partnerView: false,
          reviews: [{ slug: 'acme-q3', ref: 'DL-1', scopeRef: 'SC-1', version: 2 }],
          governance: [
            {
              slug: 'acme-q3',
              name: HOSTILE,
              stage: 'active',
              atCurrentMs: 90_000_000,
              gateTimes: { draft: 3_600_000, active: 90_000_000 },
              health: {
                overdueItems: 1,
                approvalsOverdue: 0,
                openSevereRisks: 0,
                unacknowledgedEscalations: 0,
              },
              figures: {
                approvalsOverdue: 0,
                changesApproved: 1,
                changesRejected: 0,
                deliverablesAccepted: 2,
                deliverablesReturned: 1,
                overdueItems: 1,
              },
            },
          ],
        },
        commands,
      ),
  },
  'new-engagement.channelChoiceBlocks': {
    typed: false,
    run: () => newEngagement.channelChoiceBlocks(),
  },
  'new-engagement.newEngagementModal': {
    // Organisation names are options (plain_text), shown as typed.
    raw: ['Evil <!channel>'],
    run: () => newEngagement.newEngagementModal({ userId: 'U0OPER', partnerOrgs: [org] }),
  },
  'new-engagement.linkChannelModal': {
    typed: false,
    run: () => newEngagement.linkChannelModal({ id: 'e1', slug: 'acme-q3' }),
  },
  'new-engagement.linkChannelButton': {
    typed: false,
    run: () => newEngagement.linkChannelButton('e1'),
  },
  'new-engagement.engagementCreatedMessage': {
    run: () =>
      newEngagement.engagementCreatedMessage({
        engagement: engagementRow as never,
        partnerOrgName: HOSTILE,
        channelId: 'C0PART',
      }),
  },
  'new-engagement.channelLinkedMessage': {
    typed: false,
    run: () => newEngagement.channelLinkedMessage('acme-q3', 'C0PART'),
  },
  'partner-assign.partnerAssignedMessage': {
    run: () =>
      partnerAssign.partnerAssignedMessage({
        engagement: engagementRow,
        org,
        previousOrg: org,
        latestVerdict: undefined,
        changed: true,
      }),
  },
  'partners.partnerHelpMessage': {
    ...echo,
    run: () => {
      const parsed = parsePartnerCommand(ECHOED);
      return partners.partnerHelpMessage(parsed.action === 'help' ? parsed.problem : 'none');
    },
  },
  'partners.partnerCreatedMessage': { run: () => partners.partnerCreatedMessage(org) },
  'partners.membershipMessage': {
    run: () =>
      partners.membershipMessage('add', { org, changed: ['U0PART'], unchanged: ['U0PART2'] }),
  },
  'partners.partnerListMessage': {
    run: () =>
      partners.partnerListMessage({
        orgs: [{ ...org, memberIds: ['U0PART'], latestFit: { verdict: 'fit', version: 1 } }],
        fullView: true,
      }),
  },
  'risk.ENGAGEMENT_BLOCK': null,
  'risk.riskModal': {
    // Prefilled from the message as typed: Slack does not parse initial_value.
    raw: [HOSTILE],
    run: () =>
      risk.riskModal(
        {
          slug: 'acme-q3',
          formId: 'form-0001',
          messageLink: 'https://amos-test.slack.com/archives/C1/p1',
        },
        { title: HOSTILE, description: HOSTILE },
      ),
  },
  'risk.escalationModal': {
    typed: false,
    run: () => risk.escalationModal({ formId: 'form-0001' }),
  },
  'risk.riskMessage': {
    run: () =>
      risk.riskMessage({
        kind: 'risk',
        id: 'r1',
        ref: 'RK-1',
        title: HOSTILE,
        category: 'data',
        severity: 'critical',
        description: HOSTILE,
        mitigation: HOSTILE,
        messageLink: 'https://amos-test.slack.com/archives/C1/p1',
        state: 'acknowledged',
        ownerId: 'U0OPER',
        raisedBy: 'U0PART',
        raisedAt: AT,
        updatedBy: 'U0OPER',
        updatedAt: AT,
        escalationRef: 'ES-1',
        engagement: { id: 'e1', slug: 'acme-q3', operatorId: 'U0OPER' },
        copies: [],
      }),
  },
  'risk.escalationMessage': {
    run: () =>
      risk.escalationMessage(
        {
          kind: 'escalation',
          id: 'x1',
          ref: 'ES-1',
          category: 'risk',
          severity: 'high',
          needed: HOSTILE,
          byWhen: '2026-12-03',
          state: 'acknowledged',
          level: 1,
          dueAt: AT,
          reachedIds: ['U0ERIN'],
          riskRef: 'RK-1',
          raisedBy: 'U0PART',
          raisedAt: AT,
          actedBy: 'U0ERIN',
          actedAt: AT,
          engagement: { id: 'e1', slug: 'acme-q3', operatorId: 'U0OPER' },
          pausers: ['U0ERIN'],
          copies: [],
        },
        'U0ERIN',
      ),
  },
  'risk.governanceHomeBlocks': {
    run: () =>
      risk.governanceHomeBlocks({
        escalations: [
          {
            id: 'x1',
            ref: 'ES-1',
            slug: 'acme-q3',
            severity: 'high',
            needed: HOSTILE,
            level: 2,
            dueAt: AT,
            engagementId: 'e1',
            mayPause: true,
            mayAcknowledge: true,
          },
        ],
        risks: [
          {
            id: 'r1',
            ref: 'RK-1',
            slug: 'acme-q3',
            severity: 'low',
            title: HOSTILE,
            state: 'open',
          },
        ],
      }),
  },
  'risk.riskStatusLines': {
    run: () =>
      risk.riskStatusLines({
        risks: [{ ref: 'RK-1', severity: 'low', state: 'open', title: HOSTILE }],
        escalations: [{ ref: 'ES-1', severity: 'high', state: 'open', level: 1 }],
      }),
  },
  'requirements.scopeItemText': { run: () => requirements.scopeItemText(items[0] as never) },
  'requirements.requirementsBlocks': { run: () => requirements.requirementsBlocks(items, stages) },
  'requirements.scopeDigest': { run: () => requirements.scopeDigest(items, stages) },
  'roles.ROLE_RIGHTS': null,
  'roles.roleHelpMessage': {
    ...echo,
    run: () => {
      const parsed = parseRoleCommand(ECHOED);
      return roles.roleHelpMessage(parsed.action === 'help' ? parsed.problem : 'none');
    },
  },
  'roles.roleChangeMessage': {
    typed: false,
    run: () => roles.roleChangeMessage('grant', { userId: 'U0X', role: 'admin', changed: true }),
  },
  'roles.roleNoticeMessage': {
    typed: false,
    run: () =>
      roles.roleNoticeMessage('grant', { userId: 'U0X', role: 'admin', changed: true }, 'U0A'),
  },
  'roles.roleListMessage': {
    run: () =>
      roles.roleListMessage([
        {
          userId: 'U0PART',
          granted: [],
          bootstrapAdmin: false,
          installer: false,
          partnerOrgs: [HOSTILE],
        },
      ]),
  },
  'scope.scopeOverview': {
    run: () =>
      scope.scopeOverview({
        engagement: { id: 'e1', slug: 'acme-q3', name: HOSTILE, client: HOSTILE, stage: 'draft' },
        scopeItems: items,
        stages,
        lockedReason: null,
        gaps: [`a date on stage checkpoint SR-1 (${HOSTILE})`],
        latestRequest: {
          ref: 'EX-1',
          status: 'rejected',
          approvals: 0,
          required: 1,
          rejection: { userId: 'U0EXEC', reason: HOSTILE },
        },
      } as never),
  },
  'scope.submittedNotice': {
    typed: false,
    run: () =>
      scope.submittedNotice(
        { ref: 'EX-1', requiredApprovals: 1, requesterIds: ['U0OPER'], sponsorIds: ['U0ERIN'] },
        { sent: ['U0ERIN'], failed: [] },
      ),
  },
  'scope.scopeItemModal': { typed: false, run: () => scope.scopeItemModal({ slug: 'acme-q3' }) },
  'scope.stageModal': { typed: false, run: () => scope.stageModal({ slug: 'acme-q3' }) },
  'slack-error.explainSlackError': {
    typed: false,
    run: () => slackError.explainSlackError('not_in_channel', 'C0PART'),
  },
  'slack-error.slackErrorNotice': {
    typed: false,
    run: () =>
      slackError.slackErrorNotice('acme-q3', [
        {
          attempted: 'post the requirements',
          method: 'chat.postMessage',
          error: 'not_in_channel',
          channelId: 'C0PART',
          manualFix: 'Post it by hand.',
        },
      ] as never),
  },
  'status.statusMessage': {
    run: () =>
      status.statusMessage({
        engagement: {
          ...engagementRow,
          stage: 'paused',
          halt_reason: HOSTILE,
          halted_by: 'U0EXEC',
        } as EngagementRow,
        next: {
          stage: 'draft',
          blockers: [`a date on stage checkpoint SR-1 (${HOSTILE})`],
          whoMustAct: ['operator'],
          next: 'Submit it.',
        },
        actorIds: ['U0OPER'],
        partnerOrgName: HOSTILE,
        diagnostic: null,
      } satisfies EngagementStatus),
  },
  'status.engagementListMessage': {
    run: () =>
      status.engagementListMessage([{ slug: 'acme-q3', name: HOSTILE, stage: 'draft' }], false),
  },
  'text.SECTION_TEXT_MAX': null,
  'text.esc': null,
  'text.truncate': null,
  'text.section': null,
  'text.header': null,
  'text.context': null,
};

interface TextObject {
  kind: 'mrkdwn' | 'plain' | 'input';
  text: string;
}

/** Every text in a builder's output: mrkdwn objects and fallback text, plain_text, input values. */
function texts(value: unknown, out: TextObject[] = [], key = ''): TextObject[] {
  if (typeof value === 'string') {
    if (key === 'initial_value') out.push({ kind: 'input', text: value });
    else if (key === '' || key === 'text') out.push({ kind: 'mrkdwn', text: value });
    return out;
  }
  if (Array.isArray(value)) {
    for (const item of value) texts(item, out, key === 'text' ? '' : '');
    return out;
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') {
      out.push({ kind: o.type === 'mrkdwn' ? 'mrkdwn' : 'plain', text: o.text });
      return out;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'private_metadata' || k === 'value' || k.endsWith('_id')) continue;
      texts(v, out, k);
    }
  }
  return out;
}

describe('every block builder with hostile typed text', () => {
  const exported = Object.entries(MODULES).flatMap(([file, mod]) =>
    Object.keys(mod).map((name) => `${file}.${name}`),
  );

  it('lists every module in src/slack/blocks and every export they have', () => {
    const files = readdirSync(new URL('../../src/slack/blocks/', import.meta.url))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(MODULES).sort()).toEqual(files.sort());
    expect(exported.filter((name) => !(name in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((name) => !exported.includes(name))).toEqual([]);
  });

  for (const [name, testCase] of Object.entries(CASES)) {
    if (!testCase) continue;
    it(`${name} lets no typed mention, broadcast or link through`, () => {
      const all = texts(testCase.run());
      expect(all.length).toBeGreaterThan(0);
      const mrkdwn = all.filter((t) => t.kind === 'mrkdwn').map((t) => t.text);
      for (const t of mrkdwn) for (const live of LIVE) expect(t).not.toContain(live);
      if (testCase.typed === false) return;
      const marker = testCase.shows ? testCase.shows.slice(0, 10) : 'Evil';
      const shown = all.filter((t) => t.text.includes(marker));
      expect(shown.length, 'the typed text is shown somewhere').toBeGreaterThan(0);
      for (const t of shown) {
        if (t.kind === 'mrkdwn') {
          // Escaped once: the typed `&lt;` reads as typed, not as `<`.
          expect(t.text).toContain(testCase.shows ?? 'Evil &lt;!channel&gt;');
          if (t.text.includes('*bold*')) expect(t.text).toContain('&amp;lt; *bold*');
        } else {
          // plain_text and input values are not parsed by Slack: shown exactly as typed.
          expect(t.text).not.toContain('&lt;!channel');
          expect(t.text).toContain('Evil <!channel>');
        }
      }
      for (const raw of testCase.raw ?? []) {
        expect(all.some((t) => t.kind !== 'mrkdwn' && t.text.includes(raw))).toBe(true);
      }
    });
  }
});
