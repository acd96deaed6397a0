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
