/**
 * Seeds the sandbox through the bot itself: its people type the same `/amos` commands and
 * submit the same modals a visitor would, so every record, decision chain and Slack message is
 * the real thing. `seedBasics` grants the roles and sets up the partner organisation;
 * `seedDemo` adds engagements at several stages.
 */
import type { Db } from '../db/database.js';
import { FIT_SIGNAL_KEYS, RED_FLAG_KEYS } from '../domain/fit.js';
import { DIAGNOSTIC_FORM, FIT, NEW_ENGAGEMENT, SCOPE } from '../slack/ids.js';
import type { WorkspaceActor } from './server/workspace-actor.js';
import { GENERAL_CHANNEL, PERSON, SANDBOX_TEAM } from './workspace-people.js';

export const DEMO_PARTNER_ORG = 'Northwind Agency';

type Values = Record<string, Record<string, unknown>>;

export interface SeedTarget {
  actor: WorkspaceActor;
  db: Db;
}

async function until<T>(read: () => Promise<T | undefined | null | false>, what: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`sandbox seed: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function type(t: SeedTarget, userId: string, text: string): Promise<void> {
  const outcome = await t.actor.command(userId, GENERAL_CHANNEL, text);
  if (!outcome.ok) throw new Error(`sandbox seed: /amos ${text} failed: ${outcome.error}`);
}

/** Types a command that opens a modal, then submits the modal with `values`. */
async function fillModal(t: SeedTarget, userId: string, text: string, values: Values) {
  const before = t.actor.modals.get(userId)?.at(-1);
  await type(t, userId, text);
  const viewId = await until(async () => {
    const top = t.actor.modals.get(userId)?.at(-1);
    return top !== before && top;
  }, `the modal of /amos ${text}`);
  const outcome = await t.actor.submit(userId, viewId, values);
  if (!outcome.ok) {
    throw new Error(
      `sandbox seed: /amos ${text} refused: ${outcome.error ?? JSON.stringify(outcome.errors)}`,
    );
  }
}

const text = (action: string, value: string | null) => ({
  [action]: { type: 'plain_text_input', value },
});

/** Roles (operator, two executives), the partner organisation with both partners, a fit verdict. */
export async function seedBasics(t: SeedTarget): Promise<void> {
  const { avery, oscar, erin, evan, pat, quinn } = PERSON;
  for (const [person, role] of [
    [oscar, 'operator'],
    [erin, 'executive'],
    [evan, 'executive'],
  ] as const) {
    await type(t, avery.id, `role grant <@${person.id}|${person.name}> ${role}`);
  }
  await until(
    async () =>
      (
        await t.db
          .selectFrom('role_grant')
          .select('user_id')
          .where('team_id', '=', SANDBOX_TEAM.id)
          .execute()
      ).length >= 3,
    'the role grants',
  );
  await type(t, avery.id, `partner create ${DEMO_PARTNER_ORG}`);
  await until(() => partnerOrg(t.db), 'the partner organisation');
  await type(t, avery.id, `partner add ${DEMO_PARTNER_ORG} <@${pat.id}|${pat.name}>`);
  await type(t, avery.id, `partner add ${DEMO_PARTNER_ORG} <@${quinn.id}|${quinn.name}>`);
  await until(
    async () =>
      (
        await t.db
          .selectFrom('partner_member')
          .select('user_id')
          .where('team_id', '=', SANDBOX_TEAM.id)
          .execute()
      ).length >= 2,
    'the partner members',
  );
  const fit: Values = {};
  for (const key of [...FIT_SIGNAL_KEYS, ...RED_FLAG_KEYS]) {
    const holds = (FIT_SIGNAL_KEYS as readonly string[]).includes(key);
    fit[FIT.holdsBlock(key)] = {
      [FIT.holdsAction]: {
        type: 'radio_buttons',
        selected_option: { value: holds ? 'yes' : 'no' },
      },
    };
    fit[FIT.evidenceBlock(key)] = text(FIT.evidenceAction, holds ? `Reference call: ${key}` : null);
  }
  await fillModal(t, erin.id, `fit ${DEMO_PARTNER_ORG}`, fit);
  await until(
    () =>
      t.db
        .selectFrom('fit_assessment')
        .select('id')
        .where('team_id', '=', SANDBOX_TEAM.id)
        .executeTakeFirst(),
    'the fit assessment',
  );
}

function partnerOrg(db: Db) {
  return db
    .selectFrom('partner_org')
    .select('id')
    .where('team_id', '=', SANDBOX_TEAM.id)
    .where('name', '=', DEMO_PARTNER_ORG)
    .executeTakeFirst();
}

function stage(db: Db, slug: string) {
  return db
    .selectFrom('engagement')
    .select(['id', 'stage', 'partner_channel_id'])
    .where('team_id', '=', SANDBOX_TEAM.id)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

async function reach(t: SeedTarget, slug: string, wanted: string) {
  return until(async () => {
    const e = await stage(t.db, slug);
    return e?.stage === wanted && e;
  }, `${slug} to reach ${wanted}`);
}

/** `/amos new` as the operator, with both executives as sponsors and a new partner channel. */
export async function createEngagement(
  t: SeedTarget,
  e: { name: string; slug: string; client: string },
): Promise<void> {
  const { oscar, erin, evan } = PERSON;
  const org = await until(() => partnerOrg(t.db), 'the partner organisation');
  const B = NEW_ENGAGEMENT.blocks;
  const A = NEW_ENGAGEMENT.inputAction;
  const users = (list: string[]) => ({ [A]: { type: 'multi_users_select', selected_users: list } });
  await fillModal(t, oscar.id, 'new', {
    [B.name]: text(A, e.name),
    [B.slug]: text(A, e.slug),
    [B.client]: text(A, e.client),
    [B.sponsors]: users([erin.id, evan.id]),
    [B.operator]: { [A]: { type: 'users_select', selected_user: oscar.id } },
    [B.partnerOrg]: { [A]: { type: 'static_select', selected_option: { value: org.id } } },
    [B.channelName]: text(A, `${e.slug}-partners`),
    [B.channelExisting]: { [A]: { type: 'conversations_select', selected_conversation: null } },
    [B.escalation1]: users([erin.id]),
    [B.escalation2]: users([evan.id]),
    [B.escalation3]: users([]),
    [B.requiredApprovals]: { [A]: { type: 'number_input', value: '2' } },
  });
  await until(async () => (await stage(t.db, e.slug))?.partner_channel_id, `${e.slug}'s channel`);
}

/** System Entry, Output Review and the execution requirements submitted for approval. */
export async function bringToApproval(t: SeedTarget, slug: string): Promise<void> {
  const { oscar, erin } = PERSON;
  const D = DIAGNOSTIC_FORM.blocks;
  const DA = DIAGNOSTIC_FORM.inputAction;
  await fillModal(t, oscar.id, `diagnostic ${slug}`, {
    [D.priorities]: text(DA, '1. Retention\n2. Activation'),
    [D.scores]: text(DA, 'retention: 42\nactivation: 61'),
    [D.findings]: text(DA, 'Churn concentrates in *month two*.'),
    [D.recommendedScope]: text(DA, 'Lifecycle email program'),
  });
  await reach(t, slug, 'diagnostic_submitted');
  await type(t, erin.id, `review ${slug} confirm Priorities and sequencing agreed`);
  await reach(t, slug, 'outputs_reviewed');
  await fillModal(t, oscar.id, `scope ${slug} add`, {
    [SCOPE.titleBlock]: text(SCOPE.titleAction, 'Lifecycle email program'),
    [SCOPE.criteriaBlock]: text(SCOPE.criteriaAction, 'Open rate above 35%\nQA signed off'),
    [SCOPE.dueBlock]: { [SCOPE.dueAction]: { type: 'datepicker', selected_date: '2027-03-15' } },
  });
  await fillModal(t, oscar.id, `scope ${slug} stage`, {
    [SCOPE.stageNameBlock]: text(SCOPE.stageNameAction, 'Mid-point review'),
    [SCOPE.stageDateBlock]: {
      [SCOPE.stageDateAction]: { type: 'datepicker', selected_date: '2027-02-01' },
    },
  });
  await type(t, oscar.id, `scope ${slug} submit`);
  await until(async () => {
    const e = await stage(t.db, slug);
    if (!e) return false;
    return t.db
      .selectFrom('approval_request')
      .select('id')
      .where('team_id', '=', SANDBOX_TEAM.id)
      .where('engagement_id', '=', e.id)
      .executeTakeFirst();
  }, `${slug}'s approval request`);
}

/** Both sponsors approve, an executive activates, and Pat acknowledges the charter. */
export async function activate(t: SeedTarget, slug: string): Promise<void> {
  const { erin, evan } = PERSON;
  await type(t, erin.id, `approve ${slug} EX-1 Matches the reviewed priorities`);
  await until(async () => {
    const e = await stage(t.db, slug);
    if (!e) return false;
    const r = await t.db
      .selectFrom('approval_request')
      .select('votes')
      .where('engagement_id', '=', e.id)
      .executeTakeFirst();
    return (r?.votes.length ?? 0) >= 1;
  }, 'the first vote');
  await type(t, evan.id, `approve ${slug} EX-1`);
  await reach(t, slug, 'execution_approved');
  await type(t, erin.id, `activate ${slug}`);
  await reach(t, slug, 'active');
}

/** The demo: a draft, one waiting for approval, and one active with the partner in its channel. */
export async function seedDemo(t: SeedTarget): Promise<void> {
  await seedBasics(t);
  await createEngagement(t, { name: 'Acme Q3 lifecycle', slug: 'acme-q3', client: 'Acme' });
  await bringToApproval(t, 'acme-q3');
  await activate(t, 'acme-q3');
  await createEngagement(t, { name: 'Initech onboarding', slug: 'initech', client: 'Initech' });
  await bringToApproval(t, 'initech');
  await createEngagement(t, { name: 'Globex launch', slug: 'globex', client: 'Globex' });
  await t.actor.settled();
}
