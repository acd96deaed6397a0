import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';
import { recordsOf, responsesTo, textOf } from '../support/partner-channel.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.fake.reset());

/** Runs `/amos partner <args>` and returns the ephemeral reply the person saw. */
async function partner(userId: string, args: string): Promise<string> {
  const res = await h.driver.command(userId, `partner ${args}`);
  expect(res.status).toBe(200);
  // A refusal is the ack itself (nothing was committed); a change's reply follows the ack.
  const acked = res.json as { text?: string; response_type?: string } | undefined;
  if (acked?.text) {
    expect(acked.response_type).toBe('ephemeral');
    return acked.text;
  }
  const [reply] = await responsesTo(h, res.responseUrl);
  expect(reply?.body.response_type).toBe('ephemeral');
  return textOf(reply);
}

const partnerOrgOf = async (engagementId: string) =>
  (
    await h.db
      .selectFrom('engagement')
      .select('partner_org_id')
      .where('team_id', '=', TEAM.id)
      .where('id', '=', engagementId)
      .executeTakeFirstOrThrow()
  ).partner_org_id;

describe('/amos partner assign', () => {
  it("lets the operator set, then change, a draft engagement's partner organisation, recorded", async () => {
    const engagement = await createEngagement(h.db, { stage: 'draft' });
    const first = await createPartnerOrg(h.db, { name: 'Northwind Agency', verdict: 'not_fit' });
    const second = await createPartnerOrg(h.db, { name: 'Contoso Studio', verdict: 'fit' });

    const reply = await partner('U0OPER', `assign ${engagement.slug} "northwind agency"`);
    expect(reply).toContain(
      `*Northwind Agency* is now the partner organisation of ${engagement.slug.toUpperCase()}`,
    );
    expect(reply).toContain('Latest fit verdict for Northwind Agency: *not a fit*');
    expect(reply).toContain('Activation needs a *fit* verdict');
    expect(reply).toContain('`/amos fit Northwind Agency`');
    expect(await partnerOrgOf(engagement.id)).toBe(first.id);

    const changed = await partner('U0EXEC', `assign ${engagement.slug} Contoso Studio`);
    expect(changed).toContain('is now *Contoso Studio* (was Northwind Agency)');
    expect(changed).toContain('Latest fit verdict for Contoso Studio: *fit*');
    expect(changed).not.toContain('Activation needs');
    expect(await partnerOrgOf(engagement.id)).toBe(second.id);

    const records = (await recordsOf(h, engagement.id)).filter(
      (r) => r.kind === 'engagement.partner_assigned',
    );
    expect(records.map((r) => [r.actor_id, r.actor_role, r.details])).toEqual([
      [
        'U0OPER',
        'operator',
        { partnerOrgId: first.id, partnerOrg: 'Northwind Agency', previousPartnerOrgId: null },
      ],
      [
        'U0EXEC',
        'executive',
        { partnerOrgId: second.id, partnerOrg: 'Contoso Studio', previousPartnerOrgId: first.id },
      ],
    ]);
    expect(records[1]?.summary).toContain('changed from Northwind Agency to Contoso Studio');

    const again = await partner('U0EXEC', `assign ${engagement.slug} Contoso Studio`);
    expect(again).toContain('was already the partner organisation');
    expect(await recordsOf(h, engagement.id)).toHaveLength(2);
  });

  it('refuses a partner and a role-less user, changing nothing', async () => {
    const engagement = await createEngagement(h.db, { stage: 'diagnostic_submitted' });
    const org = await createPartnerOrg(h.db, { members: ['U0PART'] });

    const asPartner = await partner('U0PART', `assign ${engagement.slug} ${org.name}`);
    expect(asPartner).toContain('Only the operator of');
    expect(asPartner).toContain('your AMOS role is partner');
    const asNobody = await partner('U0NOBODY', `assign ${engagement.slug} ${org.name}`);
    expect(asNobody).toContain("You don't have an AMOS role in this workspace yet.");

    expect(await partnerOrgOf(engagement.id)).toBeNull();
    expect(await recordsOf(h, engagement.id)).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('refuses an unknown organisation, naming `/amos partner list`', async () => {
    const engagement = await createEngagement(h.db, { stage: 'execution_approved' });
    const reply = await partner('U0OPER', `assign ${engagement.slug} Nobody Inc`);
    expect(reply).toContain('There is no partner organisation called "Nobody Inc".');
    expect(reply).toContain('`/amos partner list`');
    expect(await partnerOrgOf(engagement.id)).toBeNull();
    expect(await recordsOf(h, engagement.id)).toEqual([]);
  });

  it('refuses once the engagement is active', async () => {
    const current = await createPartnerOrg(h.db, { verdict: 'fit' });
    const other = await createPartnerOrg(h.db, { verdict: 'fit' });
    const engagement = await createEngagement(h.db, { stage: 'active', partnerOrgId: current.id });
    const reply = await partner('U0EXEC', `assign ${engagement.slug} ${other.name}`);
    expect(reply).toContain('can only be set before activation');
    expect(reply).toContain('is active');
    expect(await partnerOrgOf(engagement.id)).toBe(current.id);
    expect(await recordsOf(h, engagement.id)).toEqual([]);
  });

  it('explains the command when the organisation is missing, and lists it in help', async () => {
    const res = await h.driver.command('U0OPER', 'partner assign acme-q3');
    expect(JSON.stringify(res.json)).toContain('Name the organisation after the slug');
    const help = await h.driver.command('U0OPER', 'help');
    const helpText =
      JSON.stringify(help.json ?? '') + JSON.stringify(h.fake.responses(help.responseUrl));
    expect(helpText).toContain('partner assign <slug> <org>');
  });
});
