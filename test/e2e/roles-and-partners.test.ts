import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import type { CommandResult } from '../support/driver.js';
import { createPartnerOrg, grant } from '../support/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
});
afterAll(async () => {
  await h?.stop();
});

interface Reply {
  text: string;
  blocks?: unknown[];
}

/** What the person saw: the ack body, or else the first post to the command's response_url. */
async function reply(res: CommandResult): Promise<Reply> {
  expect(res.status).toBe(200);
  const acked = res.json as Reply | undefined;
  if (acked?.text) {
    await h.app.idle();
    return acked;
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const posted = h.fake.responses(res.responseUrl)[0];
    if (posted) {
      expect(posted.errors).toEqual([]);
      // The DMs that follow the change are jobs: let them run before the test looks.
      await h.app.idle();
      return posted.body as unknown as Reply;
    }
    if (Date.now() > deadline) throw new Error('no reply to the command');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const amos = async (userId: string, text: string) => reply(await h.driver.command(userId, text));
const workspaceRecords = () => listDecisionRecords(h.db, TEAM.id, null);
const grantsOf = (userId: string) =>
  h.db
    .selectFrom('role_grant')
    .select(['role', 'granted_by'])
    .where('team_id', '=', TEAM.id)
    .where('user_id', '=', userId)
    .execute();

describe('/amos role', () => {
  it('lets an admin grant, list and revoke roles, recording each change once', async () => {
    const before = (await workspaceRecords()).length;
    h.fake.reset();

    const granted = await amos('U0ADMIN', 'role grant <@U0EXEC|erin> executive');
    expect(granted.text).toContain('<@U0EXEC> is now an executive.');
    expect(await grantsOf('U0EXEC')).toEqual([{ role: 'executive', granted_by: 'U0ADMIN' }]);
    const dm = h.fake.directMessages(TEAM.id, 'U0EXEC');
    expect(dm.at(-1)?.text).toContain('<@U0ADMIN> made you an executive in AMOS');

    const again = await amos('U0ADMIN', 'role grant <@U0EXEC> Executive');
    expect(again.text).toBe('<@U0EXEC> already has the executive role; nothing changed.');
    expect(await grantsOf('U0EXEC')).toHaveLength(1);

    await amos('U0ADMIN', 'role grant <@U0OPER|olga> operator');
    const list = await amos('U0EXEC', 'role list');
    const listed = JSON.stringify(list.blocks);
    expect(listed).toContain('<@U0ADMIN>  admin (bootstrap, AMOS_ADMINS)');
    expect(listed).toContain('<@U0EXEC>  executive');
    expect(listed).toContain('<@U0OPER>  operator');
    expect(listed.indexOf('U0ADMIN')).toBeLessThan(listed.indexOf('U0EXEC'));

    const revoked = await amos('U0ADMIN', 'role revoke <@U0EXEC> executive');
    expect(revoked.text).toContain('<@U0EXEC> no longer has the executive role.');
    expect(await grantsOf('U0EXEC')).toEqual([]);
    expect(h.fake.directMessages(TEAM.id, 'U0EXEC').at(-1)?.text).toContain(
      'removed your executive role',
    );
    const noop = await amos('U0ADMIN', 'role revoke <@U0EXEC> executive');
    expect(noop.text).toBe("<@U0EXEC> doesn't have the executive role; nothing changed.");

    const records = (await workspaceRecords()).slice(before);
    expect(records.map((r) => [r.kind, r.details, r.actorId, r.actorRole])).toEqual([
      ['role.granted', { userId: 'U0EXEC', role: 'executive' }, 'U0ADMIN', 'admin'],
      ['role.granted', { userId: 'U0OPER', role: 'operator' }, 'U0ADMIN', 'admin'],
      ['role.revoked', { userId: 'U0EXEC', role: 'executive' }, 'U0ADMIN', 'admin'],
    ]);
    expect(records.every((r) => r.engagementId === null)).toBe(true);
    expect(h.fake.violations).toEqual([]);
  });

  it("refuses a non-admin's grant and writes nothing", async () => {
    await grant(h.db, TEAM.id, 'U0OPER2', 'operator');
    const before = (await workspaceRecords()).length;
    h.fake.reset();
    const res = await amos('U0OPER2', 'role grant <@U0MALLORY> admin');
    expect(res.text).toBe(
      'Only an admin may grant or revoke AMOS roles; your AMOS role is operator.',
    );
    expect(await grantsOf('U0MALLORY')).toEqual([]);
    expect(await workspaceRecords()).toHaveLength(before);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('tells someone without a role, politely, which admins can grant one', async () => {
    await grant(h.db, TEAM.id, 'U0ADMIN2', 'admin');
    for (const text of ['role list', 'partner list', 'partner create Shadow Co']) {
      const res = await amos('U0NOBODY', text);
      expect(res.text).toContain("You don't have an AMOS role in this workspace yet.");
      expect(res.text).toContain('Ask an AMOS admin (<@U0ADMIN> or <@U0ADMIN2>) to grant one');
    }
    const shadow = await h.db
      .selectFrom('partner_org')
      .select('id')
      .where('name', '=', 'Shadow Co')
      .execute();
    expect(shadow).toEqual([]);
  });

  it('explains what it needs when the command is incomplete', async () => {
    expect((await amos('U0ADMIN', 'role grant @olga operator')).text).toContain(
      "I couldn't find that person",
    );
    expect((await amos('U0ADMIN', 'role grant <@U0OPER> boss')).text).toContain(
      'Which role? Name exactly one of admin, executive, operator, partner',
    );
    expect((await amos('U0ADMIN', 'role')).text).toContain('/amos role grant @person <role>');
  });

  it('keeps admin rights that come from AMOS_ADMINS out of reach of revoke', async () => {
    await grant(h.db, TEAM.id, 'U0ADMIN2', 'admin');
    const res = await amos('U0ADMIN2', 'role revoke <@U0ADMIN> admin');
    expect(res.text).toContain('is an admin through the AMOS_ADMINS setting');
  });
});

describe('/amos partner', () => {
  const orgs = () =>
    h.db.selectFrom('partner_org').select(['id', 'name']).where('team_id', '=', TEAM.id).execute();
  const members = (orgId: string) =>
    h.db
      .selectFrom('partner_member')
      .select('user_id')
      .where('team_id', '=', TEAM.id)
      .where('partner_org_id', '=', orgId)
      .orderBy('user_id')
      .execute()
      .then((rows) => rows.map((r) => r.user_id));

  it('creates an organisation, adds, removes and lists members, recording each change', async () => {
    await grant(h.db, TEAM.id, 'U0OPER', 'operator');
    const before = (await workspaceRecords()).length;
    const created = await amos('U0ADMIN', 'partner create Northwind   Agency');
    expect(created.text).toContain('Created the partner organisation *Northwind Agency*.');
    const [org] = (await orgs()).filter((o) => o.name === 'Northwind Agency');
    expect(org).toBeDefined();
    const orgId = org?.id as string;

    const dup = await amos('U0ADMIN', 'partner create northwind agency');
    expect(dup.text).toContain('There is already a partner organisation called "Northwind Agency"');
    expect((await orgs()).filter((o) => o.name.toLowerCase() === 'northwind agency')).toHaveLength(
      1,
    );

    const added = await amos('U0ADMIN', 'partner add Northwind Agency <@U0PART1|pat> <@U0PART2>');
    expect(added.text).toContain('Added <@U0PART1>, <@U0PART2> to *Northwind Agency*.');
    expect(await members(orgId)).toEqual(['U0PART1', 'U0PART2']);
    const twice = await amos('U0ADMIN', 'partner add northwind agency <@U0PART1>');
    expect(twice.text).toBe(
      '<@U0PART1> was already in *Northwind Agency*; nothing changed for them.',
    );

    const removed = await amos('U0ADMIN', 'partner remove "Northwind Agency" <@U0PART2>');
    expect(removed.text).toBe('Removed <@U0PART2> from *Northwind Agency*.');
    expect(await members(orgId)).toEqual(['U0PART1']);

    const missing = await amos('U0ADMIN', 'partner add Southwind <@U0PART2>');
    expect(missing.text).toContain('There is no partner organisation called "Southwind"');

    const listed = JSON.stringify((await amos('U0OPER', 'partner list')).blocks);
    expect(listed).toContain('*Northwind Agency*  ·  fit not assessed yet\\nMembers: <@U0PART1>');

    const records = (await workspaceRecords()).slice(before);
    expect(records.map((r) => [r.kind, r.details])).toEqual([
      ['partner.created', { partnerOrgId: orgId, name: 'Northwind Agency' }],
      [
        'partner.member_added',
        { partnerOrgId: orgId, partnerOrg: 'Northwind Agency', userId: 'U0PART1' },
      ],
      [
        'partner.member_added',
        { partnerOrgId: orgId, partnerOrg: 'Northwind Agency', userId: 'U0PART2' },
      ],
      [
        'partner.member_removed',
        { partnerOrgId: orgId, partnerOrg: 'Northwind Agency', userId: 'U0PART2' },
      ],
    ]);
  });

  it('treats members as partners: they see only their organisation and cannot manage any', async () => {
    await createPartnerOrg(h.db, { name: 'Litware', members: ['U0PART9'] });
    await createPartnerOrg(h.db, { name: 'Contoso' });
    const own = await amos('U0PART9', 'partner list');
    const shown = JSON.stringify(own.blocks);
    expect(shown).toContain('*Litware*');
    expect(shown).toContain('<@U0PART9>');
    expect(shown).not.toContain('Contoso');
    expect(shown).not.toContain('fit');
    const before = (await workspaceRecords()).length;
    const refused = await amos('U0PART9', 'partner add Litware <@U0FRIEND>');
    expect(refused.text).toBe(
      'Only an admin may manage partner organisations; your AMOS role is partner.',
    );
    expect((await amos('U0PART9', 'role grant <@U0PART9> admin')).text).toContain(
      'Only an admin may grant or revoke AMOS roles',
    );
    expect(await workspaceRecords()).toHaveLength(before);
  });

  it('creates one organisation when two admins race to create the same name', async () => {
    await grant(h.db, TEAM.id, 'U0ADMIN2', 'admin');
    const [a, b] = await Promise.all([
      amos('U0ADMIN', 'partner create Fabrikam'),
      amos('U0ADMIN2', 'partner create FABRIKAM'),
    ]);
    const texts = [a.text, b.text];
    expect(texts.filter((t) => t.startsWith('Created the partner organisation'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('There is already a partner organisation'))).toHaveLength(
      1,
    );
    expect((await orgs()).filter((o) => o.name.toLowerCase() === 'fabrikam')).toHaveLength(1);
  });
});

describe('partners hold no decision rights', () => {
  const membersOf = (userId: string) =>
    h.db
      .selectFrom('partner_member')
      .select('partner_org_id')
      .where('team_id', '=', TEAM.id)
      .where('user_id', '=', userId)
      .execute();

  it('refuses granting executive, admin or operator to a partner member, writing nothing', async () => {
    await createPartnerOrg(h.db, { name: 'Northwind Partners', members: ['U0PARTX'] });
    const before = (await workspaceRecords()).length;
    h.fake.reset();
    for (const role of ['executive', 'admin', 'operator']) {
      const res = await amos('U0ADMIN', `role grant <@U0PARTX|pia> ${role}`);
      expect(res.text).toContain(
        '<@U0PARTX> is a member of Northwind Partners (a partner): decision rights stay outside delivery teams; remove them from the organisation first',
      );
      expect(res.text).toContain('/amos partner remove Northwind Partners <@U0PARTX>');
    }
    expect(await grantsOf('U0PARTX')).toEqual([]);
    expect(await workspaceRecords()).toHaveLength(before);
    expect(h.fake.directMessages(TEAM.id, 'U0PARTX')).toEqual([]);
  });

  it('refuses adding an executive, an operator or a bootstrap admin to a partner organisation, writing nothing', async () => {
    await createPartnerOrg(h.db, { name: 'Tailspin' });
    await grant(h.db, TEAM.id, 'U0EXECP', 'executive');
    await grant(h.db, TEAM.id, 'U0OPERP', 'operator');
    const before = (await workspaceRecords()).length;

    // One executive among several people: nobody is added.
    const res = await amos('U0ADMIN', 'partner add Tailspin <@U0NEWPART> <@U0EXECP|ed>');
    expect(res.text).toContain(
      "<@U0EXECP> is an executive in AMOS, so they can't become a member of Tailspin (a partner): partners approve nothing and decision rights stay outside delivery teams.",
    );
    expect(res.text).toContain('revoke that role (`/amos role revoke <@U0EXECP> executive`)');
    const operator = await amos('U0ADMIN', 'partner add Tailspin <@U0OPERP>');
    expect(operator.text).toContain('<@U0OPERP> is an operator in AMOS');
    const bootstrap = await amos('U0ADMIN', 'partner add Tailspin <@U0ADMIN>');
    expect(bootstrap.text).toContain('<@U0ADMIN> is an admin in AMOS');
    expect(bootstrap.text).toContain('remove them from the AMOS_ADMINS setting');

    for (const userId of ['U0NEWPART', 'U0EXECP', 'U0OPERP', 'U0ADMIN']) {
      expect(await membersOf(userId), userId).toEqual([]);
    }
    expect(await workspaceRecords()).toHaveLength(before);
  });

  it('refuses the partner role to an executive, and the other way round', async () => {
    await grant(h.db, TEAM.id, 'U0EXECQ', 'executive');
    await grant(h.db, TEAM.id, 'U0PARTQ', 'partner');
    const before = (await workspaceRecords()).length;
    const toExec = await amos('U0ADMIN', 'role grant <@U0EXECQ> partner');
    expect(toExec.text).toContain(
      "<@U0EXECQ> is an executive in AMOS, so they can't become a partner",
    );
    const toPartner = await amos('U0ADMIN', 'role grant <@U0PARTQ> executive');
    expect(toPartner.text).toContain('<@U0PARTQ> holds the partner role');
    expect(await grantsOf('U0EXECQ')).toEqual([{ role: 'executive', granted_by: 'U0SETUP' }]);
    expect(await grantsOf('U0PARTQ')).toEqual([{ role: 'partner', granted_by: 'U0SETUP' }]);
    expect(await workspaceRecords()).toHaveLength(before);
  });

  it('treats a partner member who somehow also holds admin as a partner only', async () => {
    // Rows written directly (as before this rule existed): the actor is still a partner only.
    await grant(h.db, TEAM.id, 'U0MIXED', 'admin', 'executive');
    await createPartnerOrg(h.db, { name: 'Mixed Co', members: ['U0MIXED'] });
    const before = (await workspaceRecords()).length;
    const res = await amos('U0MIXED', 'partner create Sneaky Co');
    expect(res.text).toBe(
      'Only an admin may manage partner organisations; your AMOS role is partner.',
    );
    const approve = await amos('U0MIXED', 'approve');
    expect(approve.text).toContain('Only an executive or admin may approve or reject requests');
    expect(await workspaceRecords()).toHaveLength(before);
  });
});

describe('the last admin', () => {
  it('cannot lose the admin role while no other admin exists', async () => {
    const solo = await startHarness();
    try {
      await grant(solo.db, TEAM.id, 'U0SOLE', 'admin');
      const say = async (text: string) => {
        const res = await solo.driver.command('U0SOLE', text);
        // A refusal is the ack itself (nothing committed); a change's reply follows it.
        const acked = (res.json as { text?: string } | undefined)?.text;
        if (acked) return acked;
        for (let i = 0; i < 200 && !solo.fake.responses(res.responseUrl)[0]; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
        return (solo.fake.responses(res.responseUrl)[0]?.body as { text?: string })?.text ?? '';
      };
      expect(await say('role revoke <@U0SOLE> admin')).toContain(
        '<@U0SOLE> is the last AMOS admin in this workspace',
      );
      expect(await solo.db.selectFrom('role_grant').select('user_id').execute()).toHaveLength(1);
      await say('role grant <@U0NEXT> admin');
      expect(await say('role revoke <@U0SOLE> admin')).toContain('no longer has the admin role');
      const kinds = (await listDecisionRecords(solo.db, TEAM.id, null)).map((r) => r.kind);
      expect(kinds).toEqual(['role.granted', 'role.revoked']);
    } finally {
      await solo.stop();
    }
  });
});
