import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIT_CRITERIA, FIT_SIGNAL_KEYS } from '../../src/domain/fit.js';
import { APPROVAL, DIAGNOSTIC_FORM, NEW_ENGAGEMENT, SCOPE } from '../../src/slack/ids.js';
import { reviewTargetValue } from '../../src/slack/inputs/diagnostic.js';
import { engagementMetadata } from '../../src/slack/inputs/modal-values.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  eventually,
  grantPeople,
  json,
  OPERATOR,
  recordsOf,
  requestsOf,
  responsesTo,
  reviewedEngagement,
  steppingClock,
} from '../support/approval-fixtures.js';
import { createEngagement, createPartnerOrg } from '../support/factories.js';
import { partnerEngagement, textOf } from '../support/partner-channel.js';

// Text people type is data: NUL and other control characters typed into any modal field or
// command argument are stored cleaned (PostgreSQL refuses 0x00 in text and jsonb), and typed
// mentions never reach Slack live.

const ADMIN = 'U0ADMIN';
const [ERIN, FRANK] = EXECS;
const OOPS = 'Something went wrong';
const DIRTY = /(?![\n\t])\p{Cc}|[\u202a-\u202e\u2066-\u2069\ufeff]/u;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: steppingClock(), env: { AMOS_ADMINS: ADMIN } });
  await grantPeople(h);
  for (const id of [OPERATOR, ...EXECS]) h.fake.addUser(TEAM.id, { id, name: id.toLowerCase() });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

/** Every text column the app writes from typed input, as one string (control characters JSON-escaped). */
async function storedText(): Promise<string> {
  const tables = [
    'partner_org',
    'engagement',
    'diagnostic',
    'scope_item',
    'stage_checkpoint',
    'approval_request',
    'fit_assessment',
    'role_grant',
    'decision_record',
  ] as const;
  const rows = await Promise.all(
    tables.map((t) => h.db.selectFrom(t).selectAll().where('team_id', '=', TEAM.id).execute()),
  );
  return rows.map((r) => JSON.stringify(r)).join('\n');
}

/** Nothing stored anywhere carries a control character or an invisible bidi override. */
async function expectStoredClean(): Promise<void> {
  const text = await storedText();
  expect(text).not.toMatch(DIRTY);
  expect(text).not.toMatch(/\\u00[01][0-9a-f]|\\u007f|\\[bfr]/);
}

const input = (action: string, value: string | null) => ({
  [action]: { type: 'plain_text_input', value },
});

describe('typed text in command arguments is stored cleaned', () => {
  it('partner create, role grant, approve with a note and reject with a reason', async () => {
    const created = await commandReply(h, ADMIN, 'partner create Nul\0Org \u202eLtd\u0007');
    expect(created.text).not.toContain(OOPS);
    const org = await h.db
      .selectFrom('partner_org')
      .select('name')
      .where('team_id', '=', TEAM.id)
      .where('name', 'like', 'Nul%')
      .executeTakeFirstOrThrow();
    expect(org.name).toBe('NulOrg Ltd');

    const granted = await commandReply(h, ADMIN, 'role grant <@U0NEWBIE|newbie> operator\0');
    expect(granted.text).not.toContain(OOPS);
    const grants = await h.db
      .selectFrom('role_grant')
      .select('role')
      .where('team_id', '=', TEAM.id)
      .where('user_id', '=', 'U0NEWBIE')
      .execute();
    expect(grants).toEqual([{ role: 'operator' }]);

    const approved = await reviewedEngagement(h);
    await commandReply(h, OPERATOR, `scope ${approved.slug} submit`);
    const vote = await commandReply(h, ERIN, `approve ${approved.slug} EX-1 ok\0nul \u0007bell`);
    expect(vote.text).not.toContain(OOPS);
    const [request] = await requestsOf(h, approved.id);
    expect(request?.status).toBe('approved');
    expect(request?.votes).toMatchObject([
      { userId: ERIN, decision: 'approve', note: 'oknul bell' },
    ]);

    const rejected = await reviewedEngagement(h);
    await commandReply(h, OPERATOR, `scope ${rejected.slug} submit`);
    const no = await commandReply(h, ERIN, `reject ${rejected.slug} EX-1 dates\0 too tight\u202e`);
    expect(no.text).not.toContain(OOPS);
    const [refused] = await requestsOf(h, rejected.id);
    expect(refused?.status).toBe('rejected');
    expect(refused?.votes).toMatchObject([{ decision: 'reject', note: 'dates too tight' }]);

    const review = await createEngagement(h.db, {
      slug: 'typed-review',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: [ERIN],
    });
    const sentBack = await commandReply(h, ERIN, `review ${review.slug} send-back needs\0 data`);
    expect(sentBack.text).not.toContain(OOPS);
    expect(json(await recordsOf(h, review.id))).toContain('needs data');
    await expectStoredClean();
  });
});

describe('typed text in every modal is stored cleaned', () => {
  it('the new engagement modal: name, client and channel name', async () => {
    await createPartnerOrg(h.db, { name: 'Modal Partner', members: ['U0MPART'] });
    const B = NEW_ENGAGEMENT.blocks;
    const A = NEW_ENGAGEMENT.inputAction;
    const users = (list: string[]) => ({
      [A]: { type: 'multi_users_select', selected_users: list },
    });
    const res = await h.driver.viewSubmission(OPERATOR, {
      callbackId: NEW_ENGAGEMENT.callbackId,
      values: {
        [B.name]: input(A, 'Nul\0Eng \u202eQ3\u0007'),
        [B.slug]: input(A, 'nul-eng\0'),
        [B.client]: input(A, 'Cli\0ent\r\nCo'),
        [B.sponsors]: users([ERIN]),
        [B.operator]: { [A]: { type: 'users_select', selected_user: OPERATOR } },
        [B.channelName]: input(A, 'nul\0-partners'),
        [B.channelExisting]: { [A]: { type: 'conversations_select', selected_conversation: null } },
        [B.escalation1]: users([ERIN]),
        [B.escalation2]: users([]),
        [B.escalation3]: users([]),
        [B.requiredApprovals]: input(A, '1\0'),
      },
    });
    expect(res.status).toBe(200);
    expect(json(res.json ?? res.text ?? '')).not.toContain(OOPS);
    await eventually(async () => {
      const row = await h.db
        .selectFrom('engagement')
        .select(['name', 'client', 'slug', 'partner_channel_id'])
        .where('team_id', '=', TEAM.id)
        .where('slug', '=', 'nul-eng')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ name: 'NulEng Q3', client: 'Client Co' });
      expect(row.partner_channel_id).toBeTruthy();
    });
    expect(h.fake.callsTo('conversations.create').map((c) => c.args.name)).toContain(
      'nul-partners',
    );
    await app().idle();
    await expectStoredClean();
  });

  it('the link-a-channel modal: the new channel name', async () => {
    const e = await createEngagement(h.db, { slug: 'typed-link', operatorId: OPERATOR });
    const A = NEW_ENGAGEMENT.inputAction;
    const res = await h.driver.viewSubmission(OPERATOR, {
      callbackId: NEW_ENGAGEMENT.linkChannelCallbackId,
      privateMetadata: engagementMetadata(e.id),
      values: {
        [NEW_ENGAGEMENT.blocks.channelName]: input(A, '\u202etyped\0-link\u0007'),
        [NEW_ENGAGEMENT.blocks.channelExisting]: {
          [A]: { type: 'conversations_select', selected_conversation: null },
        },
      },
    });
    expect(json(res.json ?? res.text ?? '')).not.toContain(OOPS);
    await eventually(() =>
      expect(h.fake.callsTo('conversations.create').map((c) => c.args.name)).toContain(
        'typed-link',
      ),
    );
    await app().idle();
    await expectStoredClean();
  });

  it('the Diagnostic modal: priorities, scores, findings and recommended scope', async () => {
    const e = await createEngagement(h.db, { slug: 'typed-diag', sponsorIds: [ERIN] });
    const D = DIAGNOSTIC_FORM.blocks;
    const A = DIAGNOSTIC_FORM.inputAction;
    const res = await h.driver.viewSubmission(OPERATOR, {
      callbackId: DIAGNOSTIC_FORM.callbackId,
      privateMetadata: engagementMetadata(e.id),
      values: {
        [D.priorities]: input(A, '1. Reten\0tion\n2. \u202eActivation\u0007'),
        [D.scores]: input(A, 'reten\0tion: 42\nactivation: 61\u0000'),
        [D.findings]: input(A, 'Churn\0 in month two.\n\tMostly\u0008 trials.'),
        [D.recommendedScope]: input(A, 'Lifecycle\0 email\u2066'),
      },
    });
    expect(res.status).toBe(200);
    expect(json(res.json ?? res.text ?? '')).not.toContain(OOPS);
    const row = await h.db
      .selectFrom('diagnostic')
      .selectAll()
      .where('engagement_id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row.priorities).toEqual(['Retention', 'Activation']);
    expect(row.scores).toEqual({ retention: 42, activation: 61 });
    expect(row.findings).toBe('Churn in month two.\n\tMostly trials.');
    expect(row.recommended_scope).toBe('Lifecycle email');
    await expectStoredClean();
  });

  it('the scope item and stage checkpoint modals: title, criteria and stage name', async () => {
    const e = await reviewedEngagement(h, { scopeItems: [], stages: [] });
    const metadata = JSON.stringify({ slug: e.slug });
    const item = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.itemModal,
      privateMetadata: metadata,
      values: {
        [SCOPE.titleBlock]: input(SCOPE.titleAction, 'Life\0cycle \u202eemails'),
        [SCOPE.criteriaBlock]: input(SCOPE.criteriaAction, '- Open\0 rate\n- QA\u0007 signed'),
        [SCOPE.dueBlock]: {
          [SCOPE.dueAction]: { type: 'datepicker', selected_date: '2026-12-15' },
        },
      },
    });
    expect(item.text).toBe('');
    const stage = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.stageModal,
      privateMetadata: metadata,
      values: {
        [SCOPE.stageNameBlock]: input(SCOPE.stageNameAction, 'Mid\0-point\u0007'),
        [SCOPE.stageDateBlock]: {
          [SCOPE.stageDateAction]: { type: 'datepicker', selected_date: '2026-12-01' },
        },
      },
    });
    expect(stage.text).toBe('');
    const [scope] = await h.db
      .selectFrom('scope_item')
      .selectAll()
      .where('engagement_id', '=', e.id)
      .execute();
    expect(scope).toMatchObject({
      title: 'Lifecycle emails',
      criteria: ['Open rate', 'QA signed'],
    });
    const [checkpoint] = await h.db
      .selectFrom('stage_checkpoint')
      .selectAll()
      .where('engagement_id', '=', e.id)
      .execute();
    expect(checkpoint?.name).toBe('Mid-point');
    await app().idle();
    await expectStoredClean();
  });

  it('the fit modal: each evidence note', async () => {
    const org = await createPartnerOrg(h.db, { name: 'Fit Typed', members: ['U0FPART'] });
    const values: Record<string, Record<string, unknown>> = {};
    for (const { key } of FIT_CRITERIA) {
      const signal = (FIT_SIGNAL_KEYS as readonly string[]).includes(key);
      values[`fit_${key}_holds`] = {
        fit_holds: { type: 'radio_buttons', selected_option: { value: signal ? 'yes' : 'no' } },
      };
      values[`fit_${key}_evidence`] = {
        fit_evidence: {
          type: 'plain_text_input',
          value: signal ? `Ref\0 call\u202e ${key}` : null,
        },
      };
    }
    const res = await h.driver.viewSubmission(ERIN, {
      callbackId: 'fit_assessment',
      privateMetadata: JSON.stringify({ partnerOrgId: org.id }),
      values,
    });
    expect(json(res.json ?? res.text ?? '')).not.toContain(OOPS);
    const row = await h.db
      .selectFrom('fit_assessment')
      .select(['answers', 'verdict'])
      .where('partner_org_id', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(row.verdict).toBe('fit');
    for (const key of FIT_SIGNAL_KEYS) expect(row.answers[key]?.evidence).toBe(`Ref call ${key}`);
    await app().idle();
    await expectStoredClean();
  });

  it('the reject modal: the reason', async () => {
    const e = await reviewedEngagement(h);
    await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    const [request] = await requestsOf(h, e.id);
    if (!request) throw new Error('no request');
    const done = await h.driver.viewSubmission(FRANK, {
      callbackId: APPROVAL.rejectModal,
      privateMetadata: JSON.stringify({ id: request.id }),
      values: {
        [APPROVAL.reasonBlock]: input(APPROVAL.reasonAction, 'Dates\0 too\u0007 tight\u202e'),
      },
    });
    expect(done.text).toBe('');
    const [after] = await requestsOf(h, e.id);
    expect(after?.status).toBe('rejected');
    expect(after?.votes).toMatchObject([{ userId: FRANK, note: 'Dates too tight' }]);
    await app().idle();
    await expectStoredClean();
  });

  it('the send-back modal: the reason', async () => {
    const e = await createEngagement(h.db, {
      slug: 'typed-sendback',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      sponsorIds: [FRANK],
    });
    const res = await h.driver.viewSubmission(FRANK, {
      callbackId: DIAGNOSTIC_FORM.sendBackCallbackId,
      privateMetadata: reviewTargetValue({
        engagementId: e.id,
        slug: e.slug,
        ref: 'DX-1',
        version: 1,
      }),
      values: {
        [DIAGNOSTIC_FORM.reasonBlock]: input(
          DIAGNOSTIC_FORM.inputAction,
          'Scores\0 need\u0007 data',
        ),
      },
    });
    expect(json(res.json ?? res.text ?? '')).not.toContain(OOPS);
    await eventually(async () =>
      expect(json(await recordsOf(h, e.id))).toContain('Scores need data'),
    );
    await app().idle();
    await expectStoredClean();
  });
});

describe('typed mentions never broadcast', () => {
  it('posts the requirements with a typed <!channel> in a scope title escaped, not live', async () => {
    const { engagement, channelId } = await partnerEngagement(h);
    await h.db
      .updateTable('scope_item')
      .set({ title: 'Emails <!channel> <@U123> <https://evil|click>' })
      .where('engagement_id', '=', engagement.id)
      .execute();
    await h.db
      .updateTable('stage_checkpoint')
      .set({ name: 'Review <!here>' })
      .where('engagement_id', '=', engagement.id)
      .execute();
    const res = await h.driver.command('U0EXEC', `activate ${engagement.slug}`);
    const [reply] = await responsesTo(h, res.responseUrl);
    expect(textOf(reply)).toContain('is active');
    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channelId);
    const requirements = posts.find((c) =>
      json(c.args).includes('Approved execution requirements'),
    );
    const sent = json(requirements?.args);
    expect(sent).toContain('Emails &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt;');
    expect(sent).toContain('Review &lt;!here&gt;');
    for (const live of ['<!channel', '<!here', '<@U123', '<https://evil'])
      expect(sent).not.toContain(live);
  });
});

const app = () => h.app;
