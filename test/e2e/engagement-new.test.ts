import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NEW_ENGAGEMENT } from '../../src/slack/ids.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';

const B = NEW_ENGAGEMENT.blocks;
const A = NEW_ENGAGEMENT.inputAction;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  await grant(h.db, TEAM.id, 'U0EXEC2', 'executive');
  await createPartnerOrg(h.db, { name: 'Outside Org', members: ['U0PART'] });
  for (const [id, name] of [
    ['U0OPER', 'olivia'],
    ['U0EXEC', 'eve'],
    ['U0EXEC2', 'evan'],
  ] as const) {
    h.fake.addUser(TEAM.id, { id, name });
  }
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.fake.reset();
});

interface Form {
  name: string;
  slug: string;
  client: string;
  sponsors: string[];
  operator: string;
  partnerOrg: string | null;
  channelName: string | null;
  channelExisting: string | null;
  level1: string[];
  level2: string[];
  approvals: string;
}

/** Slack's view.state.values for the `/amos new` modal. */
function values(overrides: Partial<Form> = {}) {
  const f: Form = {
    name: 'Acme Q3 lifecycle',
    slug: 'acme-q3',
    client: 'Acme',
    sponsors: ['U0EXEC', 'U0EXEC2'],
    operator: 'U0OPER',
    partnerOrg: null,
    channelName: 'acme-q3-partners',
    channelExisting: null,
    level1: ['U0EXEC'],
    level2: [],
    approvals: '2',
    ...overrides,
  };
  const text = (value: string | null) => ({ [A]: { type: 'plain_text_input', value } });
  const users = (list: string[]) => ({ [A]: { type: 'multi_users_select', selected_users: list } });
  return {
    [B.name]: text(f.name),
    [B.slug]: text(f.slug),
    [B.client]: text(f.client),
    [B.sponsors]: users(f.sponsors),
    [B.operator]: { [A]: { type: 'users_select', selected_user: f.operator } },
    ...(f.partnerOrg
      ? {
          [B.partnerOrg]: {
            [A]: { type: 'static_select', selected_option: { value: f.partnerOrg } },
          },
        }
      : {}),
    [B.channelName]: text(f.channelName),
    [B.channelExisting]: {
      [A]: { type: 'conversations_select', selected_conversation: f.channelExisting },
    },
    [B.escalation1]: users(f.level1),
    [B.escalation2]: users(f.level2),
    [B.escalation3]: users([]),
    [B.requiredApprovals]: { [A]: { type: 'number_input', value: f.approvals } },
  };
}

/** Waits until the app has finished every request, so "nothing happened" can be asserted. */
const settle = () => h.app.idle();

const submit = (overrides: Partial<Form> = {}, userId = 'U0OPER') =>
  h.driver.viewSubmission(userId, {
    callbackId: NEW_ENGAGEMENT.callbackId,
    values: values(overrides),
  });

const engagement = (slug: string) =>
  h.db
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', TEAM.id)
    .where('slug', '=', slug)
    .executeTakeFirst();

const records = (engagementId: string) =>
  h.db
    .selectFrom('decision_record')
    .selectAll()
    .where('engagement_id', '=', engagementId)
    .orderBy('seq')
    .execute();

const countRows = async () => {
  const [e, r] = await Promise.all([
    h.db
      .selectFrom('engagement')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    h.db
      .selectFrom('decision_record')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { engagements: Number(e.n), records: Number(r.n) };
};

/** Waits for the creator's summary DM (the last step after a submission). */
const summaryFor = async (userId: string, slug: string) => {
  await h.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === userId &&
      String(c.args.text).includes(`/amos diagnostic ${slug}`),
  );
  return h.fake
    .directMessages(TEAM.id, userId)
    .findLast((m) => String(m.text).includes(`/amos diagnostic ${slug}`));
};

describe('/amos new', () => {
  it('opens the engagement modal from the trigger, with the caller as operator', async () => {
    const res = await h.driver.command('U0OPER', 'new');
    expect(res.status).toBe(200);
    const open = await h.fake.waitFor('views.open');
    expect(open.args.trigger_id).toBe(res.triggerId);
    const view = open.args.view as { callback_id: string; blocks: Record<string, unknown>[] };
    expect(view.callback_id).toBe(NEW_ENGAGEMENT.callbackId);
    const ids = view.blocks.map((b) => b.block_id);
    for (const id of [B.name, B.slug, B.client, B.sponsors, B.operator, B.channelName]) {
      expect(ids).toContain(id);
    }
    expect(ids).toEqual(
      expect.arrayContaining([B.channelExisting, B.escalation1, B.requiredApprovals]),
    );
    const operator = view.blocks.find((b) => b.block_id === B.operator) as {
      element: { type: string; initial_user: string };
    };
    expect(operator.element).toMatchObject({ type: 'users_select', initial_user: 'U0OPER' });
    const org = view.blocks.find((b) => b.block_id === B.partnerOrg) as {
      element: { options: { text: { text: string } }[] };
    };
    expect(org.element.options.map((o) => o.text.text)).toEqual(['Outside Org']);
    expect(h.fake.violations).toEqual([]);
  });

  it('refuses a partner before any form opens', async () => {
    const res = await h.driver.command('U0PART', 'new');
    expect((res.json as { text: string }).text).toContain(
      'Only an operator may create engagements',
    );
    await settle();
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });

  it('returns an invalid slug, N above the sponsors and a missing channel inline, storing nothing', async () => {
    const before = await countRows();
    const res = await submit({ slug: 'Acme Q3!', approvals: '3', channelName: '' });
    expect(res.json).toMatchObject({ response_action: 'errors' });
    const errors = (res.json as { errors: Record<string, string> }).errors;
    expect(errors[B.slug]).toContain('lower-case letters, digits and hyphens');
    expect(errors[B.channelName]).toContain('pick an existing channel');
    expect(await countRows()).toEqual(before);
    expect(h.fake.callsTo('conversations.create')).toHaveLength(0);
  });

  it('says N of M must fit the sponsors when the rest is valid', async () => {
    const res = await submit({ slug: 'acme-n-of-m', approvals: '3' });
    expect((res.json as { errors: Record<string, string> }).errors).toEqual({
      [B.requiredApprovals]: expect.stringContaining('(2)'),
    });
    expect(await engagement('acme-n-of-m')).toBeUndefined();
  });

  it('returns a taken slug inline, storing nothing', async () => {
    await createEngagement(h.db, { slug: 'taken-slug' });
    const before = await countRows();
    const res = await submit({ slug: 'taken-slug', channelName: 'taken-slug-partners' });
    expect((res.json as { errors: Record<string, string> }).errors).toEqual({
      [B.slug]: expect.stringContaining('`taken-slug` is already used'),
    });
    expect(await countRows()).toEqual(before);
  });

  it('refuses sponsors who are not executives inline', async () => {
    const res = await submit({ slug: 'acme-sponsors', sponsors: ['U0OPER'], approvals: '1' });
    expect((res.json as { errors: Record<string, string> }).errors[B.sponsors]).toContain(
      'not an AMOS executive',
    );
    expect(await engagement('acme-sponsors')).toBeUndefined();
  });

  it('creates the engagement in draft, records it, creates the private channel and sends the summary', async () => {
    const res = await submit();
    expect(res.status).toBe(200);
    expect(res.json ?? {}).not.toHaveProperty('response_action');
    const summary = await summaryFor('U0OPER', 'acme-q3');
    const created = await engagement('acme-q3');
    expect(created).toMatchObject({
      stage: 'draft',
      name: 'Acme Q3 lifecycle',
      client: 'Acme',
      sponsor_ids: ['U0EXEC', 'U0EXEC2'],
      operator_id: 'U0OPER',
      required_approvals: 2,
      escalation_path: { level1: ['U0EXEC'], level2: [], level3: [] },
    });
    const creates = h.fake.callsTo('conversations.create');
    expect(creates).toHaveLength(1);
    const create = creates[0] as (typeof creates)[number];
    expect(create.args).toMatchObject({ name: 'acme-q3-partners' });
    expect([true, 'true']).toContain(create.args.is_private);
    const channelId = (create.response.channel as { id: string }).id;
    expect(created?.partner_channel_id).toBe(channelId);
    expect(h.fake.channel(TEAM.id, channelId)).toMatchObject({ isPrivate: true });
    expect(h.fake.channel(TEAM.id, channelId)?.members).toContain('U0OPER');
    const chain = await records(created?.id ?? '');
    expect(chain.map((r) => r.kind)).toEqual(['engagement.created', 'engagement.channel_linked']);
    expect(chain[0]?.actor_role).toBe('operator');
    expect(chain[0]?.details).toMatchObject({
      name: 'Acme Q3 lifecycle',
      client: 'Acme',
      sponsorIds: ['U0EXEC', 'U0EXEC2'],
      operatorId: 'U0OPER',
      partnerOrg: null,
      requiredApprovals: 2,
      escalationPath: { level1: ['U0EXEC'], level2: [], level3: [] },
    });
    expect(chain[1]?.details).toMatchObject({ channelId, created: true });
    expect(JSON.stringify(summary?.blocks)).toContain('2 of 2 sponsors');
    expect(JSON.stringify(summary?.blocks)).toContain(`<#${channelId}>`);
    expect(h.fake.violations).toEqual([]);
    // All of it by the prepare-partner-channel job: each call once.
    await settle();
    expect(h.fake.calls.map((c) => c.method).filter((m) => m !== 'auth.test')).toEqual([
      'conversations.create',
      'conversations.invite',
      'chat.postMessage',
    ]);
  });

  it('creates the channel once when Slack answers conversations.create after the client gave up', async () => {
    // Slack creates the channel at once but answers after AMOS_SLACK_TIMEOUT (3 s in tests):
    // the retry meets name_taken, finds the channel AMOS made, and stores it.
    h.fake.delayNext('conversations.create', 3_500);
    await submit({ slug: 'initech-q1', name: 'Initech Q1', channelName: 'initech-q1-partners' });
    await h.app.idle(20_000);
    const created = await engagement('initech-q1');
    const creates = h.fake.callsTo('conversations.create');
    expect(creates).toHaveLength(2);
    expect(creates[1]?.response.error).toBe('name_taken');
    const made = h.fake.callsTo('conversations.list');
    expect(made.length).toBeGreaterThan(0);
    const channelId = (creates[0]?.response.channel as { id: string } | undefined)?.id;
    expect(channelId).toBeDefined();
    expect(created?.partner_channel_id).toBe(channelId);
    expect(h.fake.channel(TEAM.id, channelId ?? '')?.members).toContain('U0OPER');
    const chain = await records(created?.id ?? '');
    expect(chain.map((r) => r.kind)).toEqual(['engagement.created', 'engagement.channel_linked']);
    const summaries = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.text).includes('/amos diagnostic initech-q1'));
    expect(summaries).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
  }, 30_000);

  it('creates nothing twice when the same form is submitted again', async () => {
    const before = await countRows();
    const res = await submit();
    expect(res.json ?? {}).not.toHaveProperty('response_action');
    expect(await countRows()).toEqual(before);
    expect(h.fake.callsTo('conversations.create')).toHaveLength(0);
  });

  it('links an existing channel in the same change, with the partner organisation', async () => {
    const org = await createPartnerOrg(h.db, { name: 'Northwind Agency' });
    const channel = h.fake.addChannel(TEAM.id, {
      name: 'northwind-delivery',
      isPrivate: true,
      members: ['U0BOT', 'U0OPER'],
    });
    await submit({
      slug: 'northwind-q4',
      channelName: '',
      channelExisting: channel.id,
      partnerOrg: org.id,
    });
    const summary = await summaryFor('U0OPER', 'northwind-q4');
    const created = await engagement('northwind-q4');
    expect(created).toMatchObject({ partner_channel_id: channel.id, partner_org_id: org.id });
    const chain = await records(created?.id ?? '');
    expect(chain.map((r) => r.kind)).toEqual(['engagement.created', 'engagement.channel_linked']);
    expect(chain[0]?.details).toMatchObject({
      partnerOrg: { id: org.id, name: 'Northwind Agency' },
    });
    expect(chain[1]?.details).toMatchObject({ channelId: channel.id, created: false });
    expect(h.fake.callsTo('conversations.create')).toHaveLength(0);
    expect(JSON.stringify(summary?.blocks)).toContain('Northwind Agency');

    const again = await submit({
      slug: 'northwind-q5',
      channelName: '',
      channelExisting: channel.id,
    });
    expect((again.json as { errors: Record<string, string> }).errors[B.channelExisting]).toContain(
      'already the partner channel of NORTHWIND-Q4',
    );
  });

  it('tells the creator when Slack refuses the channel name, records it, and lets them link one later', async () => {
    h.fake.addChannel(TEAM.id, { name: 'globex-partners', isPrivate: false, members: [] });
    await submit({ slug: 'globex-h1', name: 'Globex H1', channelName: 'globex-partners' });
    const summary = await summaryFor('U0OPER', 'globex-h1');
    const created = await engagement('globex-h1');
    expect(created).toMatchObject({ stage: 'draft', partner_channel_id: null });
    const chain = await records(created?.id ?? '');
    expect(chain.map((r) => r.kind)).toEqual(['engagement.created', 'slack.error']);
    expect(chain[1]?.details).toMatchObject({
      method: 'conversations.create',
      error: 'name_taken',
    });
    await settle();
    const dms = h.fake.directMessages(TEAM.id, 'U0OPER').map((m) => JSON.stringify(m));
    expect(dms.some((m) => m.includes('name_taken') && m.includes('#globex-partners'))).toBe(true);
    const button = JSON.stringify(summary?.blocks);
    expect(button).toContain(NEW_ENGAGEMENT.linkChannelAction);
    expect(button).toContain('none yet');

    // Later: the button opens the small modal, and an existing channel is linked.
    await h.driver.blockAction(
      'U0OPER',
      { actionId: NEW_ENGAGEMENT.linkChannelAction, value: created?.id ?? '' },
      { channelId: 'D0OPER', messageTs: summary?.ts ?? '' },
    );
    const open = await h.fake.waitFor('views.open');
    expect((open.args.view as { callback_id: string }).callback_id).toBe(
      NEW_ENGAGEMENT.linkChannelCallbackId,
    );
    const channel = h.fake.addChannel(TEAM.id, {
      name: 'globex-delivery',
      isPrivate: true,
      members: ['U0BOT'],
    });
    const linked = await h.driver.viewSubmission('U0OPER', {
      callbackId: NEW_ENGAGEMENT.linkChannelCallbackId,
      privateMetadata: (open.args.view as { private_metadata: string }).private_metadata,
      values: {
        [B.channelName]: { [A]: { type: 'plain_text_input', value: null } },
        [B.channelExisting]: {
          [A]: { type: 'conversations_select', selected_conversation: channel.id },
        },
      },
    });
    expect(linked.json ?? {}).not.toHaveProperty('response_action');
    expect((await engagement('globex-h1'))?.partner_channel_id).toBe(channel.id);
    // Checked and told by the prepare-partner-channel job, once each.
    await settle();
    expect(h.fake.callsTo('conversations.info').map((c) => c.args.channel)).toEqual([channel.id]);
    const told = h.fake
      .directMessages(TEAM.id, 'U0OPER')
      .filter((m) => String(m.text).includes(`<#${channel.id}> is now the partner channel`));
    expect(told).toHaveLength(1);
    expect((await records(created?.id ?? '')).map((r) => r.kind)).toEqual([
      'engagement.created',
      'slack.error',
      'engagement.channel_linked',
    ]);
  });

  it('creates a channel asked for later by the link modal once, by a job, and says so once', async () => {
    const later = await createEngagement(h.db, { slug: 'hooli-q2' });
    const res = await h.driver.viewSubmission('U0OPER', {
      callbackId: NEW_ENGAGEMENT.linkChannelCallbackId,
      privateMetadata: JSON.stringify({ engagementId: later.id }),
      values: {
        [B.channelName]: { [A]: { type: 'plain_text_input', value: 'hooli-q2-partners' } },
        [B.channelExisting]: { [A]: { type: 'conversations_select', selected_conversation: null } },
      },
    });
    expect(res.json ?? {}).not.toHaveProperty('response_action');
    await settle();
    const creates = h.fake.callsTo('conversations.create');
    expect(creates.map((c) => c.args.name)).toEqual(['hooli-q2-partners']);
    const channelId = (creates[0]?.response.channel as { id?: string } | undefined)?.id;
    expect((await engagement('hooli-q2'))?.partner_channel_id).toBe(channelId);
    expect((await records(later.id)).map((r) => r.kind)).toEqual(['engagement.channel_linked']);
    const told = h.fake
      .directMessages(TEAM.id, 'U0OPER')
      .filter((m) => String(m.text).includes(`<#${channelId}> is now the partner channel`));
    expect(told).toHaveLength(1);
  });
});
