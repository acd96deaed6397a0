import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  const northwind = await createPartnerOrg(h.db, { name: 'Northwind Agency', members: ['U0PART'] });
  const globex = await createPartnerOrg(h.db, { name: 'Globex Studio', members: ['U0GLOB'] });
  await createEngagement(h.db, {
    slug: 'acme-q3',
    stage: 'draft',
    partnerOrgId: northwind.id,
    partnerChannelId: 'C0ACME',
  });
  await createEngagement(h.db, {
    slug: 'beta-q3',
    stage: 'outputs_reviewed',
    diagnostic: true,
    sponsorIds: ['U0EXEC', 'U0EXEC2'],
  });
  await createEngagement(h.db, {
    slug: 'gamma-q3',
    stage: 'execution_approved',
    diagnostic: true,
    partnerOrgId: globex.id,
  });
});
afterAll(async () => {
  await h?.stop();
});

/** An engagement at the Execution Approval gate with complete requirements, 2 of 3 sponsors. */
const gateEngagement = (slug: string) =>
  createEngagement(h.db, {
    slug,
    stage: 'outputs_reviewed',
    diagnostic: true,
    sponsorIds: ['U0EXEC', 'U0EXEC2', 'U0EXEC3'],
    requiredApprovals: 2,
    scopeItems: [{ title: 'Lifecycle email program' }],
    stages: [{ name: 'Mid-point review' }],
  });

/** An execution-requirements request by the operator, with these votes already cast. */
const insertRequest = async (
  engagementId: string,
  ref: string,
  requestStatus: 'pending' | 'rejected',
  voterIds: string[],
) => {
  const at = new Date('2026-11-21T12:00:00Z');
  const row = await h.db
    .insertInto('approval_request')
    .values({
      team_id: TEAM.id,
      engagement_id: engagementId,
      ref,
      subject: 'execution_requirements',
      required_approvals: 2,
      requester_ids: ['U0OPER'],
      votes: JSON.stringify(
        voterIds.map((userId) => ({
          userId,
          decision: requestStatus === 'rejected' ? 'reject' : 'approve',
          at: at.toISOString(),
        })),
      ),
      requested_by: 'U0OPER',
      requested_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (requestStatus !== 'pending') {
    await h.db
      .updateTable('approval_request')
      .set({ status: requestStatus, decided_at: at })
      .where('id', '=', row.id)
      .execute();
  }
};

const status = async (userId: string, args: string, channelId = 'C0GENERAL') => {
  const res = await h.driver.command(userId, `status ${args}`.trim(), { channelId });
  const body = res.json as { response_type: string; text: string; blocks: unknown[] };
  expect(body.response_type).toBe('ephemeral');
  return { text: body.text, blocks: JSON.stringify(body.blocks) };
};

describe('/amos status', () => {
  it('shows the stage, what blocks the next gate and who must act', async () => {
    const { blocks } = await status('U0EXEC', 'acme-q3');
    expect(blocks).toContain('*Stage:* draft');
    expect(blocks).toContain('a Diagnostic (`/amos diagnostic`)');
    expect(blocks).toContain('*Who must act:* an operator (<@U0OPER>)');
    expect(blocks).toContain('Northwind Agency');
  });

  it('lists every gap of the execution approval gate and names the operator', async () => {
    const { blocks, text } = await status('U0OPER', 'BETA-Q3');
    expect(blocks).toContain('*Stage:* outputs reviewed');
    expect(blocks).toContain('at least one scope item (SC)');
    expect(blocks).toContain('at least one stage checkpoint (SR)');
    expect(blocks).toContain('*Diagnostic:* DX-1 v1');
    expect(blocks).toContain('<@U0OPER>');
    expect(text).toContain('BETA-Q3 is outputs reviewed');
    expect(blocks).toContain('`/amos scope beta-q3`');
    expect(blocks).not.toContain('/amos approve');
  });

  it('complete but not submitted: the operator submits with /amos scope <slug> submit', async () => {
    await gateEngagement('eps-q3');
    const { blocks, text } = await status('U0EXEC', 'eps-q3');
    expect(blocks).toContain('the execution requirements submitted for approval');
    expect(blocks).toContain('*Who must act:* an operator (<@U0OPER>)');
    expect(text).toContain('`/amos scope eps-q3 submit`');
    expect(text).not.toContain('/amos approve');
  });

  it('pending with one vote cast: names the slug, the ref and only the sponsors left', async () => {
    const e = await gateEngagement('zeta-q3');
    await insertRequest(e.id, 'EX-1', 'pending', ['U0EXEC']);
    const { blocks, text } = await status('U0OPER', 'zeta-q3');
    expect(blocks).toContain('EX-1 has 1 of 2 approvals');
    expect(text).toContain('`/amos approve zeta-q3 EX-1`');
    expect(blocks).toContain('(<@U0EXEC2>, <@U0EXEC3>)');
    expect(blocks).not.toContain('<@U0EXEC>');
    expect(blocks).not.toContain('<@U0OPER>');
  });

  it('after a rejection: the operator resubmits, not the dead EX-n', async () => {
    const e = await gateEngagement('eta-q3');
    await insertRequest(e.id, 'EX-2', 'rejected', ['U0EXEC2']);
    const { blocks, text } = await status('U0EXEC', 'eta-q3');
    expect(text).toContain('EX-2 was rejected');
    expect(text).toContain('`/amos scope eta-q3 submit`');
    expect(text).not.toContain('/amos approve');
    expect(blocks).toContain('*Who must act:* an operator (<@U0OPER>)');
  });

  it('names the fit verdict and channel that activation still needs', async () => {
    const { blocks } = await status('U0EXEC', 'gamma-q3');
    expect(blocks).toContain('a *fit* verdict for Globex Studio (none yet');
    expect(blocks).toContain('a partner channel');
    expect(blocks).toContain('an executive or admin (<@U0EXEC>)');
  });

  it('does not ask the author of the Diagnostic to review it', async () => {
    await createEngagement(h.db, {
      slug: 'delta-q3',
      stage: 'diagnostic_submitted',
      diagnostic: true,
      operatorId: 'U0BOTH',
      sponsorIds: ['U0BOTH', 'U0EXEC'],
    });
    const { blocks } = await status('U0EXEC', 'delta-q3');
    expect(blocks).toContain('*Blocking the next gate:* nothing.');
    expect(blocks).toContain('an executive or admin (<@U0EXEC>)');
    expect(blocks).not.toContain('<@U0BOTH>');
  });

  it('lists the workspace engagements without a slug', async () => {
    const { blocks } = await status('U0EXEC', '');
    for (const slug of ['acme-q3', 'beta-q3', 'gamma-q3', 'delta-q3'])
      expect(blocks).toContain(`\`${slug}\``);
    expect(blocks).toContain('*execution approved*');
  });

  it('shows a partner only the engagements of their own organisation', async () => {
    const list = await status('U0PART', '');
    expect(list.blocks).toContain('`acme-q3`');
    expect(list.blocks).not.toContain('beta-q3');
    expect(list.blocks).not.toContain('gamma-q3');
    const other = await status('U0PART', 'gamma-q3');
    expect(other.text).toContain('There is no engagement `gamma-q3` in this workspace');
    const inChannel = await status('U0PART', '', 'C0ACME');
    expect(inChannel.blocks).toContain('ACME-Q3');
    expect(inChannel.blocks).toContain('*Stage:* draft');
  });

  it('tells someone without a role who can grant one', async () => {
    const res = await h.driver.command('U0NOBODY', 'status');
    expect((res.json as { text: string }).text).toContain("You don't have an AMOS role");
    expect((res.json as { text: string }).text).toContain('<@U0ADMIN>');
  });

  it('says there is no such engagement for an unknown slug', async () => {
    const { text } = await status('U0EXEC', 'nope-q9');
    expect(text).toContain('There is no engagement `nope-q9`');
  });
});
