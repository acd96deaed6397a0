import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { latestFitAssessment } from '../../src/db/fit-repository.js';
import {
  FIT_CRITERIA,
  FIT_SIGNAL_KEYS,
  type FitCriterionKey,
  RED_FLAG_KEYS,
} from '../../src/domain/fit.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { eventually } from '../support/approval-fixtures.js';
import { createPartnerOrg, grant } from '../support/factories.js';

/** The system clock unless a test sets `at` (the moment every change then reads). */
const clock = { at: undefined as Date | undefined, now: () => clock.at ?? new Date() };
let h: Harness;
let org: { id: string; name: string };
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' }, clock });
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  org = await createPartnerOrg(h.db, { name: 'Northwind Agency', members: ['U0PART1'] });
});
afterAll(async () => {
  await h?.stop();
});

type Answer = { holds?: boolean; evidence?: string };

/** Slack's view.state.values for the fit modal with these answers (unanswered: no choice). */
function stateValues(answers: Partial<Record<FitCriterionKey, Answer>>) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const { key } of FIT_CRITERIA) {
    const a = answers[key] ?? {};
    values[`fit_${key}_holds`] = {
      fit_holds: {
        type: 'radio_buttons',
        selected_option:
          a.holds === undefined
            ? null
            : {
                text: { type: 'plain_text', text: a.holds ? 'Yes' : 'No' },
                value: a.holds ? 'yes' : 'no',
              },
      },
    };
    values[`fit_${key}_evidence`] = {
      fit_evidence: { type: 'plain_text_input', value: a.evidence ?? null },
    };
  }
  return values;
}

/** Every signal shown with evidence and no red flag; override to vary. */
function clean(overrides: Partial<Record<FitCriterionKey, Answer>> = {}) {
  const answers: Partial<Record<FitCriterionKey, Answer>> = {};
  for (const key of FIT_SIGNAL_KEYS)
    answers[key] = { holds: true, evidence: `Reference call: ${key}` };
  for (const key of RED_FLAG_KEYS) answers[key] = { holds: false };
  return { ...answers, ...overrides };
}

const submit = (
  userId: string,
  answers: Partial<Record<FitCriterionKey, Answer>>,
  orgId = org.id,
) =>
  h.driver.viewSubmission(userId, {
    callbackId: 'fit_assessment',
    privateMetadata: JSON.stringify({ partnerOrgId: orgId }),
    values: stateValues(answers),
  });

const assessments = (orgId = org.id) =>
  h.db
    .selectFrom('fit_assessment')
    .select(['version', 'verdict', 'assessed_by', 'answers'])
    .where('team_id', '=', TEAM.id)
    .where('partner_org_id', '=', orgId)
    .orderBy('version')
    .execute();
const workspaceRecords = () => listDecisionRecords(h.db, TEAM.id, null);

/** Connections of this database waiting for a lock (a submission queued on the org's row). */
async function waitingForLocks(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(h.db);
  return rows[0]?.n ?? 0;
}

/** One version, one record and one verdict DM for a form submitted twice. */
async function expectStoredOnce(orgId: string, name: string): Promise<void> {
  const stored = await assessments(orgId);
  expect(stored.map((a) => [a.version, a.verdict])).toEqual([[1, 'needs_conversation']]);
  const records = (await workspaceRecords()).filter(
    (r) => (r.details as { partnerOrgId?: string }).partnerOrgId === orgId,
  );
  expect(records.map((r) => r.kind)).toEqual(['fit.assessed']);
  const dms = h.fake.callsTo('chat.postMessage');
  expect(dms).toHaveLength(1);
  expect(String(dms[0]?.args.text)).toContain(
    `Fit assessment v1 of *${name}*: *needs conversation*.`,
  );
  expect(String(dms[0]?.args.text)).toContain('Signals not shown: Decision Boundaries.');
}

async function ephemeralReply(responseUrl: string): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const posted = h.fake.responses(responseUrl)[0];
    if (posted) return String(posted.body.text);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no reply to the command');
}

interface Block {
  type: string;
  block_id?: string;
  optional?: boolean;
  label?: { text: string };
  element?: { type: string; options?: { value: string }[] };
}

describe('/amos fit', () => {
  it('opens the assessment modal from the trigger with all ten criteria', async () => {
    h.fake.reset();
    const res = await h.driver.command('U0EXEC', 'fit northwind agency');
    expect(res.status).toBe(200);
    const call = await h.fake.waitFor('views.open');
    expect(call.args.trigger_id).toBe(res.triggerId);
    const view = call.args.view as {
      callback_id: string;
      private_metadata: string;
      title: { text: string };
      blocks: Block[];
    };
    expect(view.callback_id).toBe('fit_assessment');
    expect(JSON.parse(view.private_metadata)).toEqual({ partnerOrgId: org.id });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThan(100);
    const choices = view.blocks.filter((b) => b.element?.type === 'radio_buttons');
    expect(choices.map((b) => b.block_id)).toEqual(FIT_CRITERIA.map((c) => `fit_${c.key}_holds`));
    for (const [i, c] of FIT_CRITERIA.entries()) {
      expect(choices[i]?.label?.text).toBe(`${c.label}: ${c.description}`);
      expect(choices[i]?.element?.options?.map((o) => o.value)).toEqual(['yes', 'no']);
    }
    const notes = view.blocks.filter((b) => b.element?.type === 'plain_text_input');
    expect(notes.map((b) => [b.block_id, b.optional])).toEqual(
      FIT_CRITERIA.map((c) => [`fit_${c.key}_evidence`, true]),
    );
    expect(JSON.stringify(view.blocks)).toContain('*Northwind Agency*');
    expect(h.fake.violations).toEqual([]);
  });

  it('answers an incomplete form inline, next to each criterion, and stores nothing', async () => {
    const before = (await workspaceRecords()).length;
    const answers = clean({
      operational_rigor: { holds: true, evidence: '   ' },
      output_bypass: {},
    });
    const res = await submit('U0EXEC', answers);
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        fit_operational_rigor_evidence: 'Add the evidence that Operational Rigor holds.',
        fit_output_bypass_holds: 'Say whether Output Bypass holds.',
      },
    });
    expect(await assessments()).toEqual([]);
    expect(await workspaceRecords()).toHaveLength(before);
  });

  it('records a fit (v1), then a not-fit (v2) with a red flag, and DMs each verdict', async () => {
    h.fake.reset();
    const before = (await workspaceRecords()).length;
    const first = await submit('U0EXEC', clean());
    expect(first.status).toBe(200);
    expect(first.text).toBe('');
    const dm1 = await h.fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(dm1.args.channel).toBe('U0EXEC');
    expect(String(dm1.args.text)).toContain('Fit assessment v1 of *Northwind Agency*: *fit*.');

    const flagged = clean({ process_gaps: { holds: true, evidence: 'No QA step in their SOW.' } });
    await submit('U0ADMIN', flagged);
    const dm2 = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'U0ADMIN',
    );
    expect(String(dm2.args.text)).toContain(
      'Fit assessment v2 of *Northwind Agency*: *not a fit* (was *fit* in v1).',
    );
    expect(String(dm2.args.text)).toContain('Red flags: Process Gaps.');
    expect(h.fake.directMessages(TEAM.id, 'U0ADMIN').at(-1)?.text).toBe(dm2.args.text);

    const stored = await assessments();
    expect(stored.map((a) => [a.version, a.verdict, a.assessed_by])).toEqual([
      [1, 'fit', 'U0EXEC'],
      [2, 'not_fit', 'U0ADMIN'],
    ]);
    expect(stored[1]?.answers.process_gaps).toEqual({
      holds: true,
      evidence: 'No QA step in their SOW.',
    });
    expect((await latestFitAssessment(h.db, TEAM.id, org.id))?.verdict).toBe('not_fit');

    const records = (await workspaceRecords()).slice(before);
    expect(records.map((r) => [r.kind, r.subjectRef, r.engagementId, r.actorRole])).toEqual([
      ['fit.assessed', null, null, 'executive'],
      ['fit.assessed', null, null, 'admin'],
    ]);
    expect(records.map((r) => r.details)).toEqual([
      {
        partnerOrgId: org.id,
        partnerOrg: 'Northwind Agency',
        version: 1,
        verdict: 'fit',
        redFlags: [],
        missingSignals: [],
      },
      {
        partnerOrgId: org.id,
        partnerOrg: 'Northwind Agency',
        version: 2,
        verdict: 'not_fit',
        redFlags: ['process_gaps'],
        missingSignals: [],
      },
    ]);
    expect(h.fake.violations).toEqual([]);
  });

  it('stores a double-submitted form once', async () => {
    const twin = await createPartnerOrg(h.db, { name: 'Twin Studio' });
    await h.app.idle();
    h.fake.reset();
    const answers = clean({ decision_boundaries: { holds: false } });
    await Promise.all([submit('U0EXEC', answers, twin.id), submit('U0EXEC', answers, twin.id)]);
    await h.app.idle();
    await expectStoredOnce(twin.id, 'Twin Studio');
  });

  it('stores a double submit once when the second read the clock first but locked second', async () => {
    // The race seen in about one run in two: both submissions read `now` when their change
    // starts, before the organisation's row lock, so the one that waits for the lock can hold
    // an earlier time than the one it waits for. Forced here: B's change starts 1 s "before"
    // A's (another instance's clock, or a slow start) and A takes the lock first.
    const twin = await createPartnerOrg(h.db, { name: 'Twin Labs' });
    await h.app.idle();
    h.fake.reset();
    const answers = clean({ decision_boundaries: { holds: false } });
    const started = Date.now();
    let a: Promise<unknown> | undefined;
    let b: Promise<unknown> | undefined;
    await h.db.transaction().execute(async (trx) => {
      await trx
        .selectFrom('partner_org')
        .select('id')
        .where('id', '=', twin.id)
        .forUpdate()
        .execute();
      clock.at = new Date(started + 1_000);
      a = submit('U0EXEC', answers, twin.id);
      await eventually(async () => expect(await waitingForLocks()).toBe(1));
      clock.at = new Date(started);
      b = submit('U0EXEC', answers, twin.id);
      await eventually(async () => expect(await waitingForLocks()).toBe(2));
      clock.at = undefined;
    });
    await Promise.all([a, b]);
    await h.app.idle();
    await expectStoredOnce(twin.id, 'Twin Labs');
  });

  it('prefills the next assessment from the latest one', async () => {
    const again = await createPartnerOrg(h.db, { name: 'Again Labs' });
    await submit('U0EXEC', clean(), again.id);
    h.fake.reset();
    await h.driver.command('U0ADMIN', 'fit Again Labs');
    const call = await h.fake.waitFor('views.open');
    const shown = JSON.stringify(call.args.view);
    expect(shown).toContain(
      'Prefilled from assessment v1 (fit) by <@U0EXEC>. Submitting records v2.',
    );
    expect(shown).toContain('"initial_value":"Reference call: execution_partner_role"');
    expect(shown).toContain('"initial_option":{"text":{"type":"plain_text","text":"Yes"');
  });

  it('refuses a partner, an operator and an unknown organisation without opening a form', async () => {
    await h.app.idle();
    h.fake.reset();
    const before = (await workspaceRecords()).length;
    const stored = (await assessments()).length;
    const partner = await h.driver.command('U0PART1', 'fit Northwind Agency');
    expect(await ephemeralReply(partner.responseUrl)).toBe(
      'Only an executive or admin may assess partner fit; your AMOS role is partner.',
    );
    const operator = await h.driver.command('U0OPER', 'fit Northwind Agency');
    expect(await ephemeralReply(operator.responseUrl)).toContain(
      'Only an executive or admin may assess partner fit',
    );
    const unknown = await h.driver.command('U0EXEC', 'fit Southwind');
    expect(await ephemeralReply(unknown.responseUrl)).toContain(
      'There is no partner organisation called "Southwind"',
    );
    expect(h.fake.callsTo('views.open')).toEqual([]);

    const forged = await submit('U0PART1', clean());
    expect(forged.json).toEqual({
      response_action: 'errors',
      errors: {
        fit_execution_partner_role_holds:
          'Only an executive or admin may assess partner fit; your AMOS role is partner.',
      },
    });
    expect(await assessments()).toHaveLength(stored);
    expect(await workspaceRecords()).toHaveLength(before);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });
});
