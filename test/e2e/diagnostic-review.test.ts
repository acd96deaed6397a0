import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_FORM } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { responsesTo } from '../support/approval-fixtures.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';

const B = DIAGNOSTIC_FORM.blocks;
const A = DIAGNOSTIC_FORM.inputAction;

let h: Harness;
let acmeId: string;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  await grant(h.db, TEAM.id, 'U0BOTH', 'operator', 'executive');
  const org = await createPartnerOrg(h.db, { name: 'Northwind Agency', members: ['U0PART'] });
  const acme = await createEngagement(h.db, {
    slug: 'acme-q3',
    stage: 'draft',
    operatorId: 'U0OPER',
    sponsorIds: ['U0EXEC'],
    partnerOrgId: org.id,
  });
  acmeId = acme.id;
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(async () => {
  // Notices are jobs: the previous test's land before this one counts calls.
  await h.app.idle();
  h.fake.reset();
});

/** Waits until the app has finished every request, so "nothing happened" can be asserted. */
const settle = () => h.app.idle();

interface Dx {
  priorities: string;
  scores: string;
  findings: string;
  scope: string;
}

function values(o: Partial<Dx> = {}) {
  const d: Dx = {
    priorities: '1. Retention\n2. Activation',
    scores: 'retention: 42\nactivation: 61',
    findings: 'Churn concentrates in month two.',
    scope: 'Lifecycle email program',
    ...o,
  };
  const text = (value: string) => ({ [A]: { type: 'plain_text_input', value } });
  return {
    [B.priorities]: text(d.priorities),
    [B.scores]: text(d.scores),
    [B.findings]: text(d.findings),
    [B.recommendedScope]: text(d.scope),
  };
}

const submit = (engagementId: string, o: Partial<Dx> = {}, userId = 'U0OPER') =>
  h.driver.viewSubmission(userId, {
    callbackId: DIAGNOSTIC_FORM.callbackId,
    privateMetadata: JSON.stringify({ engagementId }),
    values: values(o),
  });

const engagement = (id: string) =>
  h.db.selectFrom('engagement').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const diagnostics = (id: string) =>
  h.db
    .selectFrom('diagnostic')
    .selectAll()
    .where('engagement_id', '=', id)
    .orderBy('version')
    .execute();
const kinds = async (id: string) =>
  (
    await h.db
      .selectFrom('decision_record')
      .select('kind')
      .where('engagement_id', '=', id)
      .orderBy('seq')
      .execute()
  ).map((r) => r.kind);
const lastRecords = async (id: string, n: number) =>
  (
    await h.db
      .selectFrom('decision_record')
      .selectAll()
      .where('engagement_id', '=', id)
      .orderBy('seq', 'desc')
      .limit(n)
      .execute()
  ).reverse();
const snapshot = async (id: string) => ({
  stage: (await engagement(id)).stage,
  diagnostics: (await diagnostics(id)).length,
  records: (await kinds(id)).length,
});
const replyText = (res: { json: unknown }) => (res.json as { text: string }).text;
/**
 * A decision is acked empty once committed and its outcome arrives on the response_url; a
 * refusal (nothing committed) is the ack itself.
 */
const decide = async (userId: string, text: string) => {
  const res = await h.driver.command(userId, text);
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  const [reply] = await responsesTo(h, res.responseUrl);
  return String(reply?.body.text ?? '');
};
type Blocks = { block_id?: string; elements?: { action_id: string; value: string }[] }[];
/** The Confirm / Send back button values of a review message shown by `/amos review`. */
const reviewButtons = (res: { json: unknown }) => {
  const actions = (res.json as { blocks: Blocks }).blocks.find(
    (b) => b.block_id === DIAGNOSTIC_FORM.reviewActionsBlock,
  );
  const value = (id: string) => actions?.elements?.find((e) => e.action_id === id)?.value ?? '';
  return {
    confirm: value(DIAGNOSTIC_FORM.confirmAction),
    sendBack: value(DIAGNOSTIC_FORM.sendBackAction),
  };
};

describe('System Entry: /amos diagnostic', () => {
  it('opens an empty form for the operator', async () => {
    const res = await h.driver.command('U0OPER', 'diagnostic acme-q3');
    const open = await h.fake.waitFor('views.open');
    expect(open.args.trigger_id).toBe(res.triggerId);
    const view = open.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };
    expect(view.callback_id).toBe(DIAGNOSTIC_FORM.callbackId);
    expect(JSON.parse(view.private_metadata)).toEqual({ engagementId: acmeId });
    const inputs = view.blocks.filter((b) => b.element);
    expect(inputs.map((b) => b.block_id)).toEqual([
      B.priorities,
      B.scores,
      B.findings,
      B.recommendedScope,
    ]);
    expect(inputs.every((b) => b.element?.initial_value === undefined)).toBe(true);
  });

  it('refuses a partner without opening any form, changing nothing', async () => {
    const before = await snapshot(acmeId);
    const res = await h.driver.command('U0PART', 'diagnostic acme-q3');
    expect(replyText(res)).toContain('Only an operator may submit or revise the Diagnostic');
    await settle();
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(await snapshot(acmeId)).toEqual(before);
  });

  it('returns a score of 140 inline naming the line, storing nothing', async () => {
    const before = await snapshot(acmeId);
    const res = await submit(acmeId, { scores: 'retention: 42\nreach: 140' });
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { [B.scores]: 'Line 2 `reach: 140`: scores are whole numbers from 0 to 100.' },
    });
    const empty = await submit(acmeId, { priorities: ' \n', findings: '' });
    expect(Object.keys((empty.json as { errors: object }).errors).sort()).toEqual(
      [B.findings, B.priorities].sort(),
    );
    expect(await snapshot(acmeId)).toEqual(before);
  });

  it('stores v1 as DX-1 and moves draft to diagnostic submitted; the sponsor is told', async () => {
    const res = await submit(acmeId);
    expect(res.json ?? {}).not.toHaveProperty('response_action');
    expect((await engagement(acmeId)).stage).toBe('diagnostic_submitted');
    const [v1] = await diagnostics(acmeId);
    expect(v1).toMatchObject({
      ref: 'DX-1',
      version: 1,
      author_id: 'U0OPER',
      priorities: ['Retention', 'Activation'],
      scores: { retention: 42, activation: 61 },
      frozen_at: null,
    });
    expect(await kinds(acmeId)).toEqual(['engagement.diagnostic_submitted']);
    const dm = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'U0EXEC',
    );
    expect(String(dm.args.text)).toContain('/amos review acme-q3');
  });

  it('prefills the latest version and stores a revision as v2 of the same ref', async () => {
    await h.driver.command('U0OPER', 'diagnostic acme-q3');
    const open = await h.fake.waitFor('views.open');
    const blocks = (
      open.args.view as { blocks: { block_id?: string; element?: { initial_value?: string } }[] }
    ).blocks;
    const initial = (id: string) => blocks.find((b) => b.block_id === id)?.element?.initial_value;
    expect(initial(B.priorities)).toBe('Retention\nActivation');
    expect(initial(B.scores)).toBe('retention: 42\nactivation: 61');

    await submit(acmeId, {
      priorities: 'Activation\nRetention',
      scores: 'retention: 40\nactivation: 65',
    });
    const versions = await diagnostics(acmeId);
    expect(versions.map((d) => [d.ref, d.version])).toEqual([
      ['DX-1', 1],
      ['DX-1', 2],
    ]);
    expect((await engagement(acmeId)).stage).toBe('diagnostic_submitted');
    expect(await kinds(acmeId)).toEqual(['engagement.diagnostic_submitted', 'diagnostic.revised']);
  });

  it('writes nothing when the same revision arrives twice', async () => {
    const before = await snapshot(acmeId);
    await submit(acmeId, {
      priorities: 'Activation\nRetention',
      scores: 'retention: 40\nactivation: 65',
    });
    expect(await snapshot(acmeId)).toEqual(before);
  });
});

describe('Output Review: /amos review', () => {
  it('refuses the operator, who has no right to review', async () => {
    const before = await snapshot(acmeId);
    const reply = await decide('U0OPER', 'review acme-q3 confirm');
    expect(reply).toContain('Only an executive or admin may review Diagnostic outputs');
    expect(await snapshot(acmeId)).toEqual(before);
  });

  it('refuses an operator-executive reviewing their own Diagnostic (separation of duties)', async () => {
    const own = await createEngagement(h.db, {
      slug: 'own-q3',
      stage: 'draft',
      operatorId: 'U0BOTH',
      sponsorIds: ['U0BOTH', 'U0EXEC'],
    });
    await submit(own.id, {}, 'U0BOTH');
    expect((await engagement(own.id)).stage).toBe('diagnostic_submitted');
    const before = await snapshot(own.id);
    expect(await decide('U0BOTH', 'review own-q3 confirm')).toContain('separation of duties');
    expect(await snapshot(own.id)).toEqual(before);
    expect((await diagnostics(own.id))[0]?.frozen_at).toBeNull();
  });

  it('shows the latest Diagnostic with Confirm and Send back', async () => {
    const res = await h.driver.command('U0EXEC', 'review acme-q3');
    const body = res.json as { response_type: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain('DX-1 v2');
    expect(shown).toContain('1. Activation');
    expect(shown).toContain('retention: *40*');
    const bound = { engagementId: acmeId, slug: 'acme-q3', ref: 'DX-1', version: 2 };
    const buttons = reviewButtons(res);
    expect(JSON.parse(buttons.confirm)).toEqual(bound);
    expect(JSON.parse(buttons.sendBack)).toEqual(bound);
  });

  it('confirms from the button: outputs reviewed, v2 frozen in the same change, the operator told', async () => {
    const res = await h.driver.command('U0EXEC', 'review acme-q3');
    const click = await h.driver.blockAction(
      'U0EXEC',
      {
        actionId: DIAGNOSTIC_FORM.confirmAction,
        blockId: DIAGNOSTIC_FORM.reviewActionsBlock,
        value: reviewButtons(res).confirm,
      },
      { channelId: 'C0GENERAL' },
    );
    const dm = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'U0OPER',
    );
    expect(String(dm.args.text)).toContain('confirmed DX-1 v2 of ACME-Q3');
    expect((await engagement(acmeId)).stage).toBe('outputs_reviewed');
    const versions = await diagnostics(acmeId);
    expect(versions[0]?.frozen_at).toBeNull();
    expect(versions[1]?.frozen_at).toBeInstanceOf(Date);
    expect((await kinds(acmeId)).at(-1)).toBe('engagement.outputs_reviewed');
    const [record] = await lastRecords(acmeId, 1);
    expect(record?.details).toMatchObject({ diagnosticRef: 'DX-1', diagnosticVersion: 2 });
    const replaced = h.fake.responses(click.responseUrl).at(-1);
    expect(JSON.stringify(replaced?.body)).toContain('is now *outputs reviewed*');
  });

  it('then refuses /amos diagnostic without opening a form: the Diagnostic is frozen', async () => {
    const before = await snapshot(acmeId);
    const res = await h.driver.command('U0OPER', 'diagnostic acme-q3');
    expect(replyText(res)).toContain('was confirmed in Output Review and is frozen');
    expect(replyText(res)).toContain('/amos review acme-q3 send-back');
    await settle();
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(await snapshot(acmeId)).toEqual(before);
  });

  it('refuses a late submission of an open form after review, inline', async () => {
    const res = await submit(acmeId, { priorities: 'Something new' });
    expect((res.json as { errors: Record<string, string> }).errors[B.priorities]).toContain(
      'is frozen',
    );
    expect(await diagnostics(acmeId)).toHaveLength(2);
  });

  it('sends back to draft with the reason recorded; the operator revises as v2', async () => {
    const beta = await createEngagement(h.db, {
      slug: 'beta-q3',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      operatorId: 'U0OPER',
      sponsorIds: ['U0EXEC'],
    });
    const noReason = await decide('U0EXEC', 'review beta-q3 send-back');
    expect(noReason).toContain('sending back needs a reason');
    expect((await engagement(beta.id)).stage).toBe('diagnostic_submitted');

    const sent = await decide('U0EXEC', 'review beta-q3 send-back Scores need Q2 evidence');
    expect(sent).toContain('sent DX-1 v1 of BETA-Q3 back to draft');
    expect((await engagement(beta.id)).stage).toBe('draft');
    const [record] = await h.db
      .selectFrom('decision_record')
      .selectAll()
      .where('engagement_id', '=', beta.id)
      .execute();
    expect(record).toMatchObject({ kind: 'engagement.sent_back', actor_id: 'U0EXEC' });
    expect(record?.details).toMatchObject({ reason: 'Scores need Q2 evidence', to: 'draft' });
    const dm = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'U0OPER',
    );
    expect(String(dm.args.text)).toContain('Scores need Q2 evidence');

    await submit(beta.id, { findings: 'Churn concentrates in month two, per Q2 data.' });
    expect((await engagement(beta.id)).stage).toBe('diagnostic_submitted');
    expect((await diagnostics(beta.id)).map((d) => [d.ref, d.version])).toEqual([
      ['DX-1', 1],
      ['DX-1', 2],
    ]);
  });

  it('asks for the reason inline in the Send back modal', async () => {
    const gamma = await createEngagement(h.db, {
      slug: 'gamma-q3',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: ['U0EXEC'],
    });
    await h.driver.blockAction(
      'U0EXEC',
      {
        actionId: DIAGNOSTIC_FORM.sendBackAction,
        value: JSON.stringify({
          engagementId: gamma.id,
          slug: 'gamma-q3',
          ref: 'DX-1',
          version: 1,
        }),
      },
      { channelId: 'C0GENERAL' },
    );
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(DIAGNOSTIC_FORM.sendBackCallbackId);
    const reason = (value: string) => ({
      [DIAGNOSTIC_FORM.reasonBlock]: { [A]: { type: 'plain_text_input', value } },
    });
    const empty = await h.driver.viewSubmission('U0EXEC', {
      callbackId: DIAGNOSTIC_FORM.sendBackCallbackId,
      privateMetadata: view.private_metadata,
      values: reason(' '),
    });
    expect(empty.json).toEqual({
      response_action: 'errors',
      errors: { [DIAGNOSTIC_FORM.reasonBlock]: 'A reason is required.' },
    });
    expect((await engagement(gamma.id)).stage).toBe('diagnostic_submitted');
    const sent = await h.driver.viewSubmission('U0EXEC', {
      callbackId: DIAGNOSTIC_FORM.sendBackCallbackId,
      privateMetadata: view.private_metadata,
      values: reason('Priorities are out of order.'),
    });
    expect(sent.json ?? {}).not.toHaveProperty('response_action');
    expect((await engagement(gamma.id)).stage).toBe('draft');
    expect(h.fake.violations).toEqual([]);
  });
});

describe('Output Review is bound to the version the executive saw', () => {
  it('confirms the latest version by command and names it in the reply and the record', async () => {
    const delta = await createEngagement(h.db, {
      slug: 'delta-q3',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: ['U0EXEC'],
    });
    await submit(delta.id, { findings: 'Churn concentrates in month two, per Q2 data.' });
    const reply = await decide('U0EXEC', 'review delta-q3 confirm Looks right');
    expect(reply).toContain('confirmed DX-1 v2 of DELTA-Q3 in Output Review: “Looks right”');
    expect((await engagement(delta.id)).stage).toBe('outputs_reviewed');
    const [record] = await lastRecords(delta.id, 1);
    expect(record).toMatchObject({ kind: 'engagement.outputs_reviewed', actor_id: 'U0EXEC' });
    expect(record?.details).toMatchObject({ diagnosticRef: 'DX-1', diagnosticVersion: 2 });
    expect((await diagnostics(delta.id)).map((d) => d.frozen_at !== null)).toEqual([false, true]);
  });

  it('refuses Confirm and Send back on a version revised since it was shown, changing nothing', async () => {
    const eps = await createEngagement(h.db, {
      slug: 'eps-q3',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: ['U0EXEC'],
    });
    const shownV1 = reviewButtons(await h.driver.command('U0EXEC', 'review eps-q3'));
    expect(JSON.parse(shownV1.confirm)).toMatchObject({ ref: 'DX-1', version: 1 });
    await submit(eps.id, { scores: 'retention: 38\nactivation: 61' });
    await h.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0EXEC');
    expect((await diagnostics(eps.id)).map((d) => d.version)).toEqual([1, 2]);
    const before = await snapshot(eps.id);
    await h.app.idle(); // the revision's notices are jobs: let them land first
    h.fake.reset();

    const conflict =
      'DX-1 was revised to v2 after you opened it: review v2 with `/amos review eps-q3`.';
    const click = await h.driver.blockAction(
      'U0EXEC',
      {
        actionId: DIAGNOSTIC_FORM.confirmAction,
        blockId: DIAGNOSTIC_FORM.reviewActionsBlock,
        value: shownV1.confirm,
      },
      { channelId: 'C0GENERAL' },
    );
    const [refusal] = await responsesTo(h, click.responseUrl);
    expect(refusal?.body).toMatchObject({ replace_original: false, text: conflict });
    expect(await snapshot(eps.id)).toEqual(before);
    expect((await diagnostics(eps.id)).every((d) => d.frozen_at === null)).toBe(true);
    const toOperator = (c: { args: { channel?: unknown } }) => c.args.channel === 'U0OPER';
    expect(h.fake.callsTo('chat.postMessage').filter(toOperator)).toHaveLength(0);

    await h.driver.blockAction(
      'U0EXEC',
      { actionId: DIAGNOSTIC_FORM.sendBackAction, value: shownV1.sendBack },
      { channelId: 'C0GENERAL' },
    );
    const open = await h.fake.waitFor('views.open');
    const modal = open.args.view as { private_metadata: string };
    const typed = 'Scores need Q2 evidence.';
    const sent = await h.driver.viewSubmission('U0EXEC', {
      callbackId: DIAGNOSTIC_FORM.sendBackCallbackId,
      privateMetadata: modal.private_metadata,
      values: {
        [DIAGNOSTIC_FORM.reasonBlock]: { [A]: { type: 'plain_text_input', value: typed } },
      },
    });
    expect(sent.json).toEqual({
      response_action: 'errors',
      errors: { [DIAGNOSTIC_FORM.reasonBlock]: conflict },
    });
    expect(await snapshot(eps.id)).toEqual(before);

    // Shown again, the message offers v2, and confirming it freezes v2.
    const shownV2 = reviewButtons(await h.driver.command('U0EXEC', 'review eps-q3'));
    expect(JSON.parse(shownV2.confirm)).toMatchObject({ ref: 'DX-1', version: 2 });
    await h.driver.blockAction(
      'U0EXEC',
      {
        actionId: DIAGNOSTIC_FORM.confirmAction,
        blockId: DIAGNOSTIC_FORM.reviewActionsBlock,
        value: shownV2.confirm,
      },
      { channelId: 'C0GENERAL' },
    );
    await h.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0OPER');
    expect((await engagement(eps.id)).stage).toBe('outputs_reviewed');
    expect((await diagnostics(eps.id)).map((d) => d.frozen_at !== null)).toEqual([false, true]);
    expect(h.fake.violations).toEqual([]);
  });

  it('treats a button that names no version as out of date', async () => {
    const zeta = await createEngagement(h.db, {
      slug: 'zeta-q3',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: ['U0EXEC'],
    });
    const before = await snapshot(zeta.id);
    const click = await h.driver.blockAction(
      'U0EXEC',
      {
        actionId: DIAGNOSTIC_FORM.confirmAction,
        value: JSON.stringify({ engagementId: zeta.id, slug: 'zeta-q3' }),
      },
      { channelId: 'C0GENERAL' },
    );
    const [reply] = await responsesTo(h, click.responseUrl);
    expect(String(reply?.body.text)).toContain('This button is out of date');
    expect(await snapshot(zeta.id)).toEqual(before);
  });
});
