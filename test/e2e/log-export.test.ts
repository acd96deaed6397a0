import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { formatCsv, formatJsonLines } from '../../src/domain/decision-record-format.js';
import { checkMessage } from '../../src/sandbox/block-kit-limits.js';
import type { RecordedResponse } from '../../src/sandbox/fake-slack.js';
import { runChange, type ServiceDeps } from '../../src/services/change.js';
import { type Harness, startHarness, TEAM } from '../support/app-harness.js';
import { createEngagement, createPartnerOrg, grant } from '../support/factories.js';

let h: Harness;
let acmeId: string;

interface Ack {
  response_type?: string;
  text: string;
  blocks?: { type: string; text?: { text: string } }[];
}

const AT = new Date('2026-11-20T12:00:00Z');

/** The first respond() post on a command's response_url (what follows the ack). */
async function waitForResponse(url: string): Promise<RecordedResponse> {
  const deadline = Date.now() + 3000;
  while (h.fake.responses(url).length === 0) {
    if (Date.now() > deadline) throw new Error(`no respond() on ${url}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return h.fake.responses(url).at(-1) as RecordedResponse;
}

const blockTexts = (ack: Ack) => (ack.blocks ?? []).map((b) => b.text?.text ?? JSON.stringify(b));

beforeAll(async () => {
  h = await startHarness({ env: { AMOS_ADMINS: 'U0ADMIN' } });
  for (const id of ['U0ADMIN', 'U0EXEC', 'U0OPER', 'U0PARTNER', 'U0NOBODY'])
    h.fake.addUser(TEAM.id, { id, name: id.slice(2).toLowerCase() });
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  await createPartnerOrg(h.db, { members: ['U0PARTNER'] });
  const deps: ServiceDeps = { db: h.db, clock: { now: () => AT }, admins: ['U0ADMIN'] };
  acmeId = (await createEngagement(h.db, { slug: 'acme-q3', partnerChannelId: 'C0ACME' })).id;
  const long = await createEngagement(h.db, { slug: 'long' });
  const note = (engagementId: string | null, summary: string, subjectRef: string | null = null) =>
    runChange(deps, TEAM.id, 'U0EXEC', (change) =>
      change.record({
        engagementId,
        kind: 'engagement.note',
        subjectRef,
        summary,
        capability: 'approve',
      }),
    );
  await note(acmeId, 'Diagnostic DX-1 (v1) submitted for output review.', 'DX-1');
  await note(acmeId, 'Sent back: scores, again, <!channel> see <@U0OPER|oper>');
  await note(acmeId, 'Execution requirements EX-1 approved (1 of 1).', 'EX-1');
  await note(null, 'Granted executive to <@U0EXEC>.');
  for (let i = 1; i <= 20; i++) await note(long.id, `Note ${i}`);
});
afterAll(async () => {
  await h?.stop();
});

describe('/amos log', () => {
  it('shows the records of an engagement as blocks: time token, actor, kind, ref, summary', async () => {
    const res = await h.driver.command('U0OPER', 'log acme-q3');
    const ack = res.json as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(checkMessage(ack)).toEqual([]);
    const texts = blockTexts(ack);
    expect(texts[0]).toBe('Decision record: ACME-Q3');
    expect(texts[1]).toContain('All 3 records, most recent last.');
    expect(texts).toHaveLength(5);
    const unix = AT.getTime() / 1000;
    expect(texts[2]).toBe(
      `*#1*  <!date^${unix}^{date_short_pretty} at {time}|2026-11-20 12:00 UTC> · <@U0EXEC> _executive_\n\`engagement.note\` · *DX-1*\nDiagnostic DX-1 (v1) submitted for output review.`,
    );
    // A broadcast typed into a reason is shown, never triggered; mentions stay mentions.
    expect(texts[3]).toContain('Sent back: scores, again, @channel see &lt;@U0OPER|oper&gt;');
    expect(texts[4]).toContain('*#3*');
    expect(texts[4]).toContain('*EX-1*');
  });

  it('shows only the latest 15 records of a long chain', async () => {
    const ack = (await h.driver.command('U0EXEC', 'log long')).json as Ack;
    const texts = blockTexts(ack);
    expect(texts[1]).toContain('The latest 15 of 20 records');
    expect(texts.slice(2).map((t) => /\*#(\d+)\*/.exec(t)?.[1])).toEqual(
      Array.from({ length: 15 }, (_, i) => String(i + 6)),
    );
    expect(checkMessage(ack)).toEqual([]);
  });

  it('shows the workspace chain, and the channel’s engagement when no slug is given', async () => {
    const workspace = blockTexts((await h.driver.command('U0ADMIN', 'log workspace')).json as Ack);
    expect(workspace[0]).toContain('workspace decisions');
    expect(workspace[2]).toContain('Granted executive to <@U0EXEC>.');
    const inChannel = blockTexts(
      (await h.driver.command('U0OPER', 'log', { channelId: 'C0ACME' })).json as Ack,
    );
    expect(inChannel[0]).toBe('Decision record: ACME-Q3');
  });

  it('refuses a partner and a user with no role, and says what to type for an unknown slug', async () => {
    const partner = (await h.driver.command('U0PARTNER', 'log acme-q3')).json as Ack;
    expect(partner.text).toContain(
      'Only an admin, executive or operator may view the decision record',
    );
    expect(partner.blocks).toBeUndefined();
    const nobody = (await h.driver.command('U0NOBODY', 'log acme-q3')).json as Ack;
    expect(nobody.text).toContain("You don't have an AMOS role in this workspace yet");
    const unknown = (await h.driver.command('U0OPER', 'log nope')).json as Ack;
    expect(unknown.text).toContain('There is no engagement `nope` in this workspace');
  });
});

describe('/amos export', () => {
  it('acks at once, then uploads the CSV to the requester’s DM', async () => {
    h.fake.reset();
    const before = h.fake.uploadedFiles.length;
    const res = await h.driver.command('U0EXEC', 'export acme-q3 csv');
    expect((res.json as Ack).text).toContain('Preparing the decision record of ACME-Q3 as CSV');
    const done = await waitForResponse(res.responseUrl);
    expect(done.body.text).toContain('Sent `acme-q3-decision-record.csv` (3 records)');

    const [file, ...more] = h.fake.uploadedFiles.slice(before);
    expect(more).toEqual([]);
    expect(file?.filename).toBe('acme-q3-decision-record.csv');
    const records = await listDecisionRecords(h.db, TEAM.id, acmeId);
    expect(file?.text).toBe(formatCsv(records, 'acme-q3'));
    expect(file?.text.split('\r\n')[2]).toContain(
      '"Sent back: scores, again, <!channel> see <@U0OPER|oper>"',
    );
    const open = h.fake.callsTo('conversations.open');
    expect(open.map((c) => c.args.users)).toEqual(['U0EXEC']);
    expect(file?.channel_id).toBe(
      (open[0]?.response as { channel?: { id: string } } | undefined)?.channel?.id,
    );
    const dm = h.fake.directMessages(TEAM.id, 'U0EXEC').at(-1);
    expect(dm?.files?.map((f) => (f as { name: string }).name)).toEqual([
      'acme-q3-decision-record.csv',
    ]);
  });

  it('exports JSON Lines by default', async () => {
    const before = h.fake.uploadedFiles.length;
    const res = await h.driver.command('U0ADMIN', 'export acme-q3');
    await waitForResponse(res.responseUrl);
    const file = h.fake.uploadedFiles[before];
    expect(file?.filename).toBe('acme-q3-decision-record.jsonl');
    expect(file?.text).toBe(
      formatJsonLines(await listDecisionRecords(h.db, TEAM.id, acmeId), 'acme-q3'),
    );
  });

  it('refuses a partner, an operator and a user with no role, and uploads nothing', async () => {
    const before = h.fake.uploadedFiles.length;
    for (const user of ['U0PARTNER', 'U0OPER', 'U0NOBODY']) {
      // Refused in the ack itself: nothing is promised to someone who may not have it.
      const res = await h.driver.command(user, 'export acme-q3 csv');
      const reply = { body: res.json as Ack };
      expect(reply.body.text).not.toContain('Preparing');
      expect(reply.body.text).toMatch(
        user === 'U0NOBODY'
          ? /You don't have an AMOS role/
          : /Only an executive or admin may export the decision record/,
      );
    }
    expect(h.fake.uploadedFiles.length).toBe(before);
  });

  it('tells the requester when Slack refuses the upload, naming the error', async () => {
    const before = h.fake.uploadedFiles.length;
    h.fake.failNext('files.getUploadURLExternal', { error: 'missing_scope' });
    const res = await h.driver.command('U0EXEC', 'export acme-q3 jsonl');
    const reply = await waitForResponse(res.responseUrl);
    expect(reply.body.text).toContain(
      "I couldn't send you the file: Slack answered `missing_scope`",
    );
    expect(reply.body.text).toContain('`files:write`');
    expect(h.fake.uploadedFiles.length).toBe(before);
    const [failure] = (await listDecisionRecords(h.db, TEAM.id, acmeId)).filter(
      (r) => r.kind === 'slack.error',
    );
    expect(failure).toMatchObject({
      actorId: 'U0EXEC',
      details: { method: 'files.uploadV2', error: 'missing_scope' },
    });
  });

  it('uploads once when Slack answers the upload after the client gave up (found in the DM)', async () => {
    await h.app.idle();
    h.fake.reset();
    const before = h.fake.uploadedFiles.length;
    // Slack shares the file at once but answers after AMOS_SLACK_TIMEOUT (3 s in tests).
    h.fake.delayNext('files.completeUploadExternal', 3_500);
    const res = await h.driver.command('U0ADMIN', 'export workspace csv');
    expect((res.json as Ack).text).toContain('Preparing the decision record of the workspace');
    await h.app.idle(20_000);
    expect(h.fake.uploadedFiles.length - before).toBe(1);
    expect(h.fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(1);
    expect((await waitForResponse(res.responseUrl)).body.text).toContain(
      'Sent `workspace-decision-record.csv`',
    );
    const errors = (await listDecisionRecords(h.db, TEAM.id, null)).filter(
      (r) => r.kind === 'slack.error',
    );
    expect(errors).toEqual([]);
  }, 30_000);

  it('refuses an unknown format with the usage', async () => {
    const ack = (await h.driver.command('U0EXEC', 'export acme-q3 xlsx extra')).json as Ack;
    expect(ack.text).toContain('Usage: `/amos export [slug|workspace] [jsonl|csv]`');
  });
});
