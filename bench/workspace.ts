// The benchmark's large workspace: who and what exists (deterministic ids, so the load
// generator builds valid requests without reading the database), and the request of each case.
// Shared by the seed (bench/seed.ts), the orchestrator (bench/run.ts) and the load generator.
import { slackSignature } from '../src/sandbox/signed-request.js';
import { RISK } from '../src/slack/ids.js';

export const SECRET = 'bench-signing-secret';
export const TEAM = {
  id: 'T0BENCH',
  name: 'Bench',
  botToken: 'xoxb-bench',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
} as const;

const pad = (n: number, width = 4) => String(n).padStart(width, '0');

// 2,000 people: 10 admins, 50 executives, 50 operators, 1,000 partners (100 organisations of
// 10), 890 people with no role (the role-grant case grants them roles and revokes them again).
export const COUNTS = {
  admins: 10,
  executives: 50,
  operators: 50,
  partners: 1000,
  plain: 890,
  partnerOrgs: 100,
  engagements: 1000,
  itemsPerEngagement: 5,
  recordsPerEngagement: 48,
} as const;

export const admin = (n: number) => `UADM${pad(n % COUNTS.admins)}`;
export const executive = (n: number) => `UEXE${pad(n % COUNTS.executives)}`;
export const operator = (n: number) => `UOPR${pad(n % COUNTS.operators)}`;
export const partner = (n: number) => `UPRT${pad(n % COUNTS.partners)}`;
export const plain = (n: number) => `UPLN${pad(n % COUNTS.plain)}`;

export function people(): {
  id: string;
  role: 'admin' | 'executive' | 'operator' | 'partner' | null;
}[] {
  const list: { id: string; role: 'admin' | 'executive' | 'operator' | 'partner' | null }[] = [];
  for (let i = 0; i < COUNTS.admins; i += 1) list.push({ id: admin(i), role: 'admin' });
  for (let i = 0; i < COUNTS.executives; i += 1) list.push({ id: executive(i), role: 'executive' });
  for (let i = 0; i < COUNTS.operators; i += 1) list.push({ id: operator(i), role: 'operator' });
  for (let i = 0; i < COUNTS.partners; i += 1) list.push({ id: partner(i), role: 'partner' });
  for (let i = 0; i < COUNTS.plain; i += 1) list.push({ id: plain(i), role: null });
  return list;
}

// 1,000 engagements in four groups:
//   0-399   outputs reviewed, EX-1 pending: executives approve it with `/amos approve <slug> EX-1`
//   400-599 outputs reviewed, EX-1 pending: executives click Approve (block_actions)
//   600-699 outputs reviewed, nothing pending: operators add scope items (view_submission)
//   700-999 execution approved, partner organisation and a gated partner channel
// Each has DX-1, 5 scope items, ST-1 and 48 decision records; the workspace chain holds one
// record per role grant (2,000), so 50,000 records in all. EX-1 needs 60 approvals, more
// than there are executives, so no vote of the benchmark decides it (each one is a new vote).
export const GROUPS = {
  approveCommand: { from: 0, count: 400 },
  approveButton: { from: 400, count: 200 },
  scope: { from: 600, count: 100 },
  gated: { from: 700, count: 300 },
} as const;
export const REQUIRED_APPROVALS = 60;

// Open escalations for the escalation-ack case: ES-1..ES-50 on each engagement of the Approve
// button's group (400-599; the cases run one after another, and they write different record
// kinds), 10,000 in all, each at level 2 of the engagement's path and sent to both executives
// it names (level 1 and level 2), so either may acknowledge it. Due far in the future and with
// no due job, so the ladder never moves them while the bench runs.
export const ESCALATIONS = { group: { from: 400, count: 200 }, perEngagement: 50 } as const;
export const escalationReached = (n: number) => [executive(n), executive(n + 1)];

export const slug = (n: number) => `bench-${pad(n)}`;
export const uuid = (kind: number, n: number) =>
  `00000000-0000-4000-8${pad(kind, 3)}-${pad(n, 12)}`;
export const engagementId = (n: number) => uuid(1, n);
export const approvalId = (n: number) => uuid(2, n);
export const partnerOrgId = (k: number) => uuid(3, k);
/** Escalation ES-(k+1) of engagement n. */
export const escalationId = (n: number, k: number) => uuid(4, n * 100 + k);
export const partnerChannel = (n: number) => `CGATE${pad(n)}`;
export const engagementOperator = (n: number) => operator(n);
export const orgOfEngagement = (n: number) => (n - GROUPS.gated.from) % COUNTS.partnerOrgs;
export const partnersOfOrg = (k: number) =>
  Array.from({ length: COUNTS.partners / COUNTS.partnerOrgs }, (_, j) => partner(k * 10 + j));

/** One request as Slack sends it: the raw body and its content type. */
export interface BenchRequest {
  body: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
}

export interface CaseContext {
  /** The fake Slack's origin, for response_urls (pre-registered by the orchestrator). */
  fakeBase: string;
  /** Distinguishes event ids between runs. */
  runId: string;
}

export const RESPONSE_URLS = 50_000;
export const responseUrl = (ctx: CaseContext, i: number) =>
  `${ctx.fakeBase}/actions/${TEAM.id}/${(i % RESPONSE_URLS) + 1}`;

function command(ctx: CaseContext, i: number, userId: string, text: string): BenchRequest {
  return {
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({
      token: 'unused',
      team_id: TEAM.id,
      team_domain: 'bench',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: '/amos',
      text,
      api_app_id: 'A0BENCH',
      response_url: responseUrl(ctx, i),
      trigger_id: `${i}.bench.trigger`,
    }).toString(),
  };
}

function interactive(payload: Record<string, unknown>): BenchRequest {
  return {
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  };
}

const ROLE_PAIRS = COUNTS.plain * 2;

export interface BenchCase {
  readonly name: string;
  readonly label: string;
  /** 'read' or 'decision': which targets of the issue apply. */
  readonly kind: 'baseline' | 'read' | 'decision';
  /**
   * Decisions: the record kinds of which one committed request writes exactly one (so the
   * bench counts committed requests, not every record written while the case ran).
   */
  readonly committedKinds?: readonly string[];
  /** The engagements the case's decisions are about (so two cases writing one kind stay apart). */
  readonly committedIn?: { readonly from: number; readonly count: number };
  /**
   * Decisions: a reply (posted to the request's response_url) saying the decision had already
   * been taken, a legitimate "nothing to do" answer, counted apart from committed and refused
   * (e.g. an Acknowledge press on an escalation already acknowledged).
   */
  readonly alreadyDone?: RegExp;
  build(ctx: CaseContext, i: number): BenchRequest;
}

export const CASES: readonly BenchCase[] = [
  {
    name: 'help',
    label: '`/amos help`',
    kind: 'read',
    build: (ctx, i) => command(ctx, i, executive(i), 'help'),
  },
  {
    name: 'status',
    label: '`/amos status <slug>`',
    kind: 'read',
    build: (ctx, i) => command(ctx, i, executive(i), `status ${slug((i * 7919) % 1000)}`),
  },
  {
    name: 'approve-list',
    label: '`/amos approve` (the list)',
    kind: 'read',
    build: (ctx, i) => command(ctx, i, executive(i), 'approve'),
  },
  {
    // Request i: engagement i mod 400, executive (i div 400) mod 50: 20,000 distinct votes.
    name: 'approve',
    label: '`/amos approve <slug> EX-1`',
    kind: 'decision',
    committedKinds: ['approval.vote_cast'],
    committedIn: GROUPS.approveCommand,
    build: (ctx, i) => {
      const { from, count } = GROUPS.approveCommand;
      const n = from + (i % count);
      return command(ctx, i, executive(Math.floor(i / count)), `approve ${slug(n)} EX-1`);
    },
  },
  {
    // Pairs (person, role) over the people with no role; odd passes revoke what even ones granted.
    name: 'role-grant',
    label: '`/amos role grant`/`revoke`',
    kind: 'decision',
    committedKinds: ['role.granted', 'role.revoked'],
    build: (ctx, i) => {
      const pair = i % ROLE_PAIRS;
      const verb = Math.floor(i / ROLE_PAIRS) % 2 === 0 ? 'grant' : 'revoke';
      const role = pair % 2 === 0 ? 'operator' : 'executive';
      return command(ctx, i, admin(i), `role ${verb} <@${plain(Math.floor(pair / 2))}> ${role}`);
    },
  },
  {
    name: 'scope-item-submit',
    label: 'view_submission: add a scope item',
    kind: 'decision',
    committedKinds: ['scope.item_added'],
    committedIn: GROUPS.scope,
    build: (ctx, i) => {
      const { from, count } = GROUPS.scope;
      const n = from + (i % count);
      return interactive({
        type: 'view_submission',
        team: { id: TEAM.id, domain: 'bench' },
        user: { id: engagementOperator(n), team_id: TEAM.id },
        api_app_id: 'A0BENCH',
        trigger_id: `${i}.bench.trigger`,
        view: {
          id: `VBENCH${i}`,
          team_id: TEAM.id,
          type: 'modal',
          callback_id: 'scope_item_modal',
          private_metadata: JSON.stringify({ slug: slug(n), responseUrl: responseUrl(ctx, i) }),
          state: {
            values: {
              scope_title: {
                title: { type: 'plain_text_input', value: `Bench item ${ctx.runId}-${i}` },
              },
              scope_criteria: {
                criteria: { type: 'plain_text_input', value: 'Open rate above 35%\nQA signed off' },
              },
              scope_due: { due_date: { type: 'datepicker', selected_date: '2027-03-01' } },
            },
          },
          hash: '1.bench',
        },
        response_urls: [],
      });
    },
  },
  {
    // Request i: engagement 400 + i mod 200, executive (i div 200) mod 50: 10,000 distinct votes.
    name: 'approve-button',
    label: 'block_actions: Approve button',
    kind: 'decision',
    committedKinds: ['approval.vote_cast'],
    committedIn: GROUPS.approveButton,
    build: (ctx, i) => {
      const { from, count } = GROUPS.approveButton;
      const n = from + (i % count);
      return interactive({
        type: 'block_actions',
        team: { id: TEAM.id, domain: 'bench' },
        user: { id: executive(Math.floor(i / count)), team_id: TEAM.id },
        api_app_id: 'A0BENCH',
        trigger_id: `${i}.bench.trigger`,
        response_url: responseUrl(ctx, i),
        container: { type: 'message', channel_id: 'C0GENERAL', message_ts: '1700000000.000100' },
        channel: { id: 'C0GENERAL' },
        message: { ts: '1700000000.000100', type: 'message' },
        actions: [
          {
            type: 'button',
            action_id: 'approval_approve',
            block_id: `approval_actions:${approvalId(n)}`,
            value: approvalId(n),
            action_ts: '1700000000.000200',
          },
        ],
      });
    },
  },
  {
    // Request i: the operator of engagement 600 + i mod 100 raises a low risk (RK-n, no escalation).
    name: 'risk-submit',
    label: 'view_submission: raise a risk',
    kind: 'decision',
    committedKinds: ['risk.raised'],
    committedIn: GROUPS.scope,
    build: (ctx, i) => {
      const { from, count } = GROUPS.scope;
      const n = from + (i % count);
      const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
      const pick = (value: string) => ({
        value: { type: 'static_select', selected_option: { value } },
      });
      return interactive({
        type: 'view_submission',
        team: { id: TEAM.id, domain: 'bench' },
        user: { id: engagementOperator(n), team_id: TEAM.id },
        api_app_id: 'A0BENCH',
        trigger_id: `${i}.bench.trigger`,
        view: {
          id: `VBENCHRISK${i}`,
          team_id: TEAM.id,
          type: 'modal',
          callback_id: 'risk_modal',
          private_metadata: JSON.stringify({
            slug: slug(n),
            responseUrl: responseUrl(ctx, i),
            formId: `bench-risk-${ctx.runId}-${i}`,
          }),
          state: {
            values: {
              risk_title: text(`Bench risk ${ctx.runId}-${i}`),
              risk_category: pick('timeline'),
              risk_severity: pick('low'),
              risk_description: text('The vendor may slip a week.'),
              risk_mitigation: text('Ask for a weekly check-in'),
            },
          },
          hash: '1.bench',
        },
        response_urls: [],
      });
    },
  },
  {
    // Request i: engagement 400 + i mod 200, its escalation ES-((i div 200) mod 50 + 1), pressed
    // by one of the two executives it reached: 10,000 distinct escalations, so the first 10,000
    // presses each acknowledge one; a later press finds it acknowledged ("ES-n is already
    // acknowledged."), which is a legitimate answer, counted as already done.
    name: 'escalation-ack',
    label: 'block_actions: escalation Acknowledge button',
    kind: 'decision',
    committedKinds: ['escalation.acknowledged'],
    committedIn: ESCALATIONS.group,
    alreadyDone: /is already acknowledged/,
    build: (ctx, i) => {
      const { from, count } = ESCALATIONS.group;
      const n = from + (i % count);
      const k = Math.floor(i / count) % ESCALATIONS.perEngagement;
      const id = escalationId(n, k);
      const user = escalationReached(n)[(Math.floor(i / count) + n) % 2] as string;
      return interactive({
        type: 'block_actions',
        team: { id: TEAM.id, domain: 'bench' },
        user: { id: user, team_id: TEAM.id },
        api_app_id: 'A0BENCH',
        trigger_id: `${i}.bench.trigger`,
        response_url: responseUrl(ctx, i),
        container: { type: 'message', channel_id: `D${user}`, message_ts: '1700000000.000300' },
        channel: { id: `D${user}` },
        message: { ts: '1700000000.000300', type: 'message' },
        actions: [
          {
            type: 'button',
            action_id: RISK.acknowledgeAction,
            block_id: RISK.escalationActionsBlock,
            value: id,
            action_ts: '1700000000.000400',
          },
        ],
      });
    },
  },
  {
    // Request i: gated engagement 700 + i mod 300, partner (i div 300) mod 10 of its
    // organisation. The engagement is execution approved, so its partner channel is still
    // closed: every join is a decision (boundary.partner_joined recorded with the kick job,
    // which records boundary.partner_removed once Slack did it).
    name: 'member-joined',
    label: 'member_joined_channel (gated channel)',
    kind: 'decision',
    committedKinds: ['boundary.partner_joined'],
    committedIn: GROUPS.gated,
    build: (ctx, i) => {
      const { from, count } = GROUPS.gated;
      const n = from + (i % count);
      const user = partnersOfOrg(orgOfEngagement(n))[Math.floor(i / count) % 10] as string;
      return {
        contentType: 'application/json',
        body: JSON.stringify({
          token: 'unused',
          team_id: TEAM.id,
          api_app_id: 'A0BENCH',
          type: 'event_callback',
          event_id: `Ev${ctx.runId}x${i}`,
          event_time: Math.floor(Date.now() / 1000),
          event: {
            type: 'member_joined_channel',
            user,
            channel: partnerChannel(n),
            channel_type: 'G',
            team: TEAM.id,
            event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
          },
        }),
      };
    },
  },
];

/** The baseline's request: the same slash command, to a bare Bolt app that only acks. */
export const BASELINE: BenchCase = {
  name: 'baseline',
  label: 'bare Bolt ack (slash command)',
  kind: 'baseline',
  build: (ctx, i) => command(ctx, i, executive(i), 'help'),
};

/**
 * An answer (an ack body, or a reply posted to a response_url) that tells the person nothing
 * was done: the database did not answer in time ("nothing was changed, try again"), a replay
 * ("Already handled"), an unexpected failure, or a modal's inline errors.
 */
const REFUSAL =
  /nothing was changed|Already handled|Something went wrong on our side|"response_action":"errors"/;
export const isRefusal = (body: string) => REFUSAL.test(body);

/** Headers signed afresh for this body, now. */
export function signedHeaders(request: BenchRequest): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': request.contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(SECRET, timestamp, request.body),
  };
}
