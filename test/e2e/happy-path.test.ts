import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { verifyChain } from '../../src/domain/decision-record.js';
import { FIT_SIGNAL_KEYS, RED_FLAG_KEYS } from '../../src/domain/fit.js';
import { verifyLog } from '../../src/services/decision-log-service.js';
import { ACTIVATION, DIAGNOSTIC_FORM, FIT, NEW_ENGAGEMENT, SCOPE } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';

// The whole initiation sequence driven as people would in Slack: signed commands, modal
// submissions and button clicks through the real receiver, on real PostgreSQL.
const ADMIN = 'U0ADMIN';
const OPER = 'U0OPER';
const EXEC = 'U0EXEC';
const EXEC2 = 'U0EXEC2';
const PART = 'U0PART';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: ADMIN } });
  for (const [id, name] of [
    [ADMIN, 'avery'],
    [OPER, 'oscar'],
    [EXEC, 'erin'],
    [EXEC2, 'evan'],
    [PART, 'pat'],
  ] as const) {
    h.fake.addUser(TEAM.id, { id, name });
  }
});
afterAll(async () => {
  await h?.stop();
});

/** Polls until `read` returns something truthy (the app answers commands after their ack). */
async function eventually<T>(
  read: () => Promise<T | undefined | null | false>,
  what: string,
): Promise<T> {
  const until = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs a command that opens a modal and returns the view Slack was asked to open. */
async function openModal(userId: string, text: string) {
  const res = await h.driver.command(userId, text);
  expect(res.status).toBe(200);
  const call = await h.fake.waitFor(
    (c) => c.method === 'views.open' && c.args.trigger_id === res.triggerId,
    { timeoutMs: 5_000 },
  );
  return call.args.view as { callback_id: string; private_metadata?: string; blocks: unknown[] };
}

async function submit(
  userId: string,
  view: { callback_id: string; private_metadata?: string },
  values: Record<string, Record<string, unknown>>,
) {
  const res = await h.driver.viewSubmission(userId, {
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata ?? '',
    values,
  });
  expect(res.status).toBe(200);
  expect(res.json ?? {}).not.toHaveProperty('response_action');
}

const text = (action: string, value: string | null) => ({
  [action]: { type: 'plain_text_input', value },
});
const engagement = () =>
  h.db
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', TEAM.id)
    .where('slug', '=', 'acme-q3')
    .executeTakeFirst();

describe('the initiation sequence, from /amos new to an active engagement', () => {
  it('walks System Entry, Output Review, Execution Approval and Partner Activation with every decision recorded', async () => {
    // Roles and the partner organisation, by the bootstrap admin.
    for (const [user, role] of [
      [OPER, 'operator'],
      [EXEC, 'executive'],
      [EXEC2, 'executive'],
    ] as const) {
      await h.driver.command(ADMIN, `role grant <@${user}|${user.toLowerCase()}> ${role}`);
    }
    await eventually(
      async () => (await h.db.selectFrom('role_grant').selectAll().execute()).length === 3,
      'three role grants',
    );
    await h.driver.command(ADMIN, 'partner create Northwind Agency');
    const org = await eventually(
      () =>
        h.db
          .selectFrom('partner_org')
          .selectAll()
          .where('name', '=', 'Northwind Agency')
          .executeTakeFirst(),
      'the partner organisation',
    );
    await h.driver.command(ADMIN, `partner add Northwind Agency <@${PART}|pat>`);
    await eventually(
      () => h.db.selectFrom('partner_member').selectAll().executeTakeFirst(),
      'the partner member',
    );

    // Partner fit: all five signals with evidence, no red flag.
    const fitView = await openModal(EXEC, 'fit Northwind Agency');
    const fitValues: Record<string, Record<string, unknown>> = {};
    for (const key of [...FIT_SIGNAL_KEYS, ...RED_FLAG_KEYS]) {
      const holds = (FIT_SIGNAL_KEYS as readonly string[]).includes(key);
      fitValues[FIT.holdsBlock(key)] = {
        [FIT.holdsAction]: {
          type: 'radio_buttons',
          selected_option: { value: holds ? 'yes' : 'no' },
        },
      };
      fitValues[FIT.evidenceBlock(key)] = text(
        FIT.evidenceAction,
        holds ? `Reference call on ${key}` : null,
      );
    }
    await submit(EXEC, fitView, fitValues);
    const fit = await eventually(
      () => h.db.selectFrom('fit_assessment').selectAll().executeTakeFirst(),
      'the fit assessment',
    );
    expect(fit.verdict).toBe('fit');

    // /amos new by the operator: sponsors, 2 of 2 approvals, a new private partner channel.
    const newView = await openModal(OPER, 'new');
    const B = NEW_ENGAGEMENT.blocks;
    const A = NEW_ENGAGEMENT.inputAction;
    const users = (list: string[]) => ({
      [A]: { type: 'multi_users_select', selected_users: list },
    });
    await submit(OPER, newView, {
      [B.name]: text(A, 'Acme Q3 lifecycle'),
      [B.slug]: text(A, 'acme-q3'),
      [B.client]: text(A, 'Acme'),
      [B.sponsors]: users([EXEC, EXEC2]),
      [B.operator]: { [A]: { type: 'users_select', selected_user: OPER } },
      [B.partnerOrg]: { [A]: { type: 'static_select', selected_option: { value: org.id } } },
      [B.channelName]: text(A, 'acme-q3-partners'),
      [B.channelExisting]: { [A]: { type: 'conversations_select', selected_conversation: null } },
      [B.escalation1]: users([EXEC]),
      [B.escalation2]: users([EXEC2]),
      [B.escalation3]: users([]),
      [B.requiredApprovals]: { [A]: { type: 'number_input', value: '2' } },
    });
    const created = await eventually(async () => {
      const e = await engagement();
      return e?.partner_channel_id ? e : undefined;
    }, 'the engagement with its partner channel');
    expect(created.stage).toBe('draft');

    // System Entry: the Diagnostic.
    const dxView = await openModal(OPER, 'diagnostic acme-q3');
    const D = DIAGNOSTIC_FORM.blocks;
    const DA = DIAGNOSTIC_FORM.inputAction;
    await submit(OPER, dxView, {
      [D.priorities]: text(DA, '1. Retention\n2. Activation'),
      [D.scores]: text(DA, 'retention: 42\nactivation: 61'),
      [D.findings]: text(DA, 'Churn concentrates in month two.'),
      [D.recommendedScope]: text(DA, 'Lifecycle email program'),
    });
    await eventually(
      async () => (await engagement())?.stage === 'diagnostic_submitted',
      'diagnostic_submitted',
    );

    // Output Review by an executive.
    await h.driver.command(EXEC, 'review acme-q3 confirm Priorities and sequencing agreed');
    await eventually(
      async () => (await engagement())?.stage === 'outputs_reviewed',
      'outputs_reviewed',
    );

    // Execution requirements: a scope item with acceptance criteria and a due date, a stage checkpoint.
    const itemView = await openModal(OPER, 'scope acme-q3 add');
    await submit(OPER, itemView, {
      [SCOPE.titleBlock]: text(SCOPE.titleAction, 'Lifecycle email program'),
      [SCOPE.criteriaBlock]: text(SCOPE.criteriaAction, 'Open rate above 35%\nQA signed off'),
      [SCOPE.dueBlock]: { [SCOPE.dueAction]: { type: 'datepicker', selected_date: '2026-12-15' } },
    });
    const stageView = await openModal(OPER, 'scope acme-q3 stage');
    await submit(OPER, stageView, {
      [SCOPE.stageNameBlock]: text(SCOPE.stageNameAction, 'Mid-point review'),
      [SCOPE.stageDateBlock]: {
        [SCOPE.stageDateAction]: { type: 'datepicker', selected_date: '2026-12-01' },
      },
    });
    await h.driver.command(OPER, 'scope acme-q3 submit');
    await eventually(
      () =>
        h.db
          .selectFrom('approval_request')
          .selectAll()
          .where('ref', '=', 'EX-1')
          .executeTakeFirst(),
      'the approval request EX-1',
    );

    // Execution Approval: 2 of 2 sponsors.
    await h.driver.command(EXEC, 'approve acme-q3 EX-1 Matches the reviewed priorities');
    await eventually(
      async () =>
        (await h.db.selectFrom('approval_request').select('votes').executeTakeFirstOrThrow()).votes
          .length === 1,
      'the first vote',
    );
    expect((await engagement())?.stage).toBe('outputs_reviewed');
    await h.driver.command(EXEC2, 'approve acme-q3 EX-1');
    await eventually(
      async () => (await engagement())?.stage === 'execution_approved',
      'execution_approved',
    );

    // Partner Activation.
    await h.driver.command(EXEC, 'activate acme-q3');
    await eventually(async () => (await engagement())?.stage === 'active', 'active');
    const channelId = created.partner_channel_id!;
    await h.fake.waitFor(
      (c) => c.method === 'conversations.invite' && String(c.args.users).includes(PART),
    );
    const ackMessage = await eventually(
      async () =>
        h.fake
          .messages(channelId)
          .find((m) => JSON.stringify(m.blocks ?? []).includes(ACTIVATION.charterAckAction)),
      'the charter acknowledgement message',
    );
    await h.driver.blockAction(
      PART,
      {
        actionId: ACTIVATION.charterAckAction,
        blockId: ACTIVATION.charterAckBlock,
        value: created.id,
      },
      { channelId, messageTs: ackMessage.ts },
    );
    await eventually(
      () => h.db.selectFrom('charter_ack').selectAll().executeTakeFirst(),
      'the acknowledgement',
    );

    // Every decision of the engagement, in order, in one verifying chain.
    const records = await listDecisionRecords(h.db, TEAM.id, created.id);
    expect(records.map((r) => r.kind)).toEqual([
      'engagement.created',
      'engagement.channel_linked',
      'engagement.diagnostic_submitted',
      'engagement.outputs_reviewed',
      'scope.item_added',
      'scope.stage_added',
      'approval.requested',
      'approval.vote_cast',
      'approval.approved',
      'engagement.execution_approved',
      'engagement.activated',
      'charter.acknowledged',
    ]);
    expect(records.map((r) => r.actorId)).toEqual([
      OPER,
      OPER,
      OPER,
      EXEC,
      OPER,
      OPER,
      OPER,
      EXEC,
      EXEC2,
      EXEC2,
      EXEC,
      PART,
    ]);
    expect(verifyChain(records)).toEqual({ ok: true, count: records.length });

    const workspace = await listDecisionRecords(h.db, TEAM.id, null);
    expect(workspace.map((r) => r.kind)).toEqual([
      'role.granted',
      'role.granted',
      'role.granted',
      'partner.created',
      'partner.member_added',
      'fit.assessed',
    ]);
    const verified = await verifyLog(h.db, { teamId: TEAM.id });
    expect(verified.map((c) => [c.engagement, c.verification.ok])).toEqual([
      ['workspace', true],
      ['acme-q3', true],
    ]);
    expect(h.fake.violations).toEqual([]);
  });
});
