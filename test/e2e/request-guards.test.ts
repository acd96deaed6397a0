import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formBody, postSigned } from '../../src/sandbox/signed-request.js';
import { diagnosticModal, sendBackModal } from '../../src/slack/blocks/diagnostic.js';
import { fitAssessmentView } from '../../src/slack/blocks/fit.js';
import { linkChannelModal, newEngagementModal } from '../../src/slack/blocks/new-engagement.js';
import { scopeItemModal, stageModal } from '../../src/slack/blocks/scope.js';
import { SCOPE } from '../../src/slack/ids.js';
import { BODY_LIMIT_BYTES } from '../../src/slack/request-identity.js';
import { type Harness, SIGNING_SECRET, startHarness, TEAM } from '../support/app-harness.js';
import {
  commandReply,
  EXECS,
  grantPeople,
  OPERATOR,
  recordsOf,
  requestsOf,
  responsesTo,
  reviewedEngagement,
  steppingClock,
} from '../support/approval-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { SentRequest } from '../support/driver.js';

// A captured signed request sent again (to this instance or another on the same database)
// changes nothing; a timestamp ahead of the clock and an oversized body are refused first.
const ADMIN = 'U0ADMIN';
const ALREADY = 'Already handled';

let database: TestDatabase;
let h: Harness;
let second: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
  const env = { AMOS_ADMINS: ADMIN };
  h = await startHarness({ databaseUrl: database.url, env, clock: steppingClock() });
  second = await startHarness({ databaseUrl: database.url, env });
  await grantPeople(h);
});
afterAll(async () => {
  await second?.stop();
  await h?.stop();
  await database?.drop();
});
beforeEach(() => h.fake.reset());

/** What the person saw for a replay: the ack body or the first post to its response_url. */
const textOf = (res: { json: unknown }) => String((res.json as { text?: string })?.text ?? '');

const rolesOf = async (userId: string) =>
  (
    await h.db
      .selectFrom('role_grant')
      .select('role')
      .where('team_id', '=', TEAM.id)
      .where('user_id', '=', userId)
      .execute()
  ).map((r) => r.role);

const workspaceRecordKinds = async () =>
  (
    await h.db
      .selectFrom('decision_record')
      .select('kind')
      .where('team_id', '=', TEAM.id)
      .where('engagement_id', 'is', null)
      .orderBy('seq')
      .execute()
  ).map((r) => r.kind);

/** Sends `/amos <text>` and keeps the exact request, for replaying it. */
async function command(userId: string, text: string): Promise<SentRequest> {
  const { text: reply } = await commandReply(h, userId, text);
  expect(reply).not.toContain(ALREADY);
  const sent = h.driver.last;
  if (!sent) throw new Error('nothing sent');
  return sent;
}

describe('a replayed request has no second effect', () => {
  it('a replayed grant after a revoke does not restore the role, and a replayed revoke does nothing', async () => {
    const grantReq = await command(ADMIN, 'role grant <@U0VICTIM> admin');
    expect(await rolesOf('U0VICTIM')).toEqual(['admin']);
    const revokeReq = await command(ADMIN, 'role revoke <@U0VICTIM> admin');
    expect(await rolesOf('U0VICTIM')).toEqual([]);

    const replayedGrant = await h.driver.replay(grantReq);
    expect(replayedGrant.status).toBe(200);
    expect(textOf(replayedGrant)).toContain(ALREADY);
    expect(await rolesOf('U0VICTIM')).toEqual([]);

    const replayedRevoke = await h.driver.replay(revokeReq);
    expect(textOf(replayedRevoke)).toContain(ALREADY);
    expect(await workspaceRecordKinds()).toEqual(['role.granted', 'role.revoked']);
  });

  it('a replay sent to a second instance on the same database is refused too', async () => {
    const grantReq = await command(ADMIN, 'role grant <@U0OTHER> operator');
    await command(ADMIN, 'role revoke <@U0OTHER> operator');
    const replayed = await second.driver.replay(grantReq);
    expect(replayed.status).toBe(200);
    expect(textOf(replayed)).toContain(ALREADY);
    expect(await rolesOf('U0OTHER')).toEqual([]);
  });

  it('a replayed vote is refused and records nothing', async () => {
    const e = await reviewedEngagement(h, { requiredApprovals: 2 });
    await commandReply(h, OPERATOR, `scope ${e.slug} submit`);
    const vote = await command(EXECS[0], `approve ${e.slug} EX-1 fine`);
    const before = await recordsOf(h, e.id);
    const replayed = await h.driver.replay(vote);
    expect(textOf(replayed)).toContain(ALREADY);
    expect(await recordsOf(h, e.id)).toEqual(before);
    const [request] = await requestsOf(h, e.id);
    expect(request?.status).toBe('pending');
  });

  it('a replayed modal submission adds nothing', async () => {
    const e = await reviewedEngagement(h, { scopeItems: [], stages: [] });
    const metadata = JSON.stringify({ slug: e.slug, responseUrl: h.fake.createResponseUrl() });
    const saved = await h.driver.viewSubmission(OPERATOR, {
      callbackId: SCOPE.itemModal,
      privateMetadata: metadata,
      values: {
        [SCOPE.titleBlock]: { [SCOPE.titleAction]: { type: 'plain_text_input', value: 'Pages' } },
        [SCOPE.criteriaBlock]: {
          [SCOPE.criteriaAction]: { type: 'plain_text_input', value: 'Load under 2s' },
        },
        [SCOPE.dueBlock]: {
          [SCOPE.dueAction]: { type: 'datepicker', selected_date: '2026-12-15' },
        },
      },
    });
    expect(saved.text).toBe('');
    const replayed = await h.driver.replay();
    expect(replayed.json).toMatchObject({
      response_action: 'errors',
      errors: { [SCOPE.titleBlock]: expect.stringContaining(ALREADY) },
    });
    const items = await h.db
      .selectFrom('scope_item')
      .select('ref')
      .where('engagement_id', '=', e.id)
      .execute();
    expect(items).toHaveLength(1);
  });

  it('a request stamped more than five minutes ahead is refused with 401, changing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [6 * 60, 24 * 60 * 60]) {
      const res = await h.driver.command(ADMIN, 'role grant <@U0FUTURE> admin', {
        timestampSeconds: now + ahead,
      });
      expect(res.status).toBe(401);
    }
    expect(await rolesOf('U0FUTURE')).toEqual([]);
    // A small clock skew is still accepted.
    const skewed = await h.driver.command(ADMIN, 'role list', { timestampSeconds: now + 60 });
    expect(skewed.status).toBe(200);
    await responsesTo(h, skewed.responseUrl);
  });
});

describe('request size', () => {
  it('answers 413 to a 2 MB body before reading it as a request', async () => {
    const body = formBody({
      payload: JSON.stringify({ type: 'block_actions', pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    const res = await postSigned(
      `${h.baseUrl}/slack/events`,
      body,
      'application/x-www-form-urlencoded',
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    expect(res.status).toBe(413);
  });

  it("keeps every one of the app's own modals, filled to every limit, far below the limit", () => {
    const views = [
      newEngagementModal({
        userId: OPERATOR,
        partnerOrgs: Array.from({ length: 100 }, (_, i) => ({
          id: `org-${i}`,
          name: 'N'.repeat(80),
        })),
      }),
      linkChannelModal({ id: 'e', slug: 'slug' }),
      diagnosticModal({ id: 'e', slug: 'slug', name: 'N'.repeat(80) } as Parameters<
        typeof diagnosticModal
      >[0]),
      sendBackModal({ engagementId: 'e', version: 1 } as Parameters<typeof sendBackModal>[0]),
      scopeItemModal({ slug: 'slug', responseUrl: 'https://hooks.slack.com/x', replace: false }),
      stageModal({ slug: 'slug', responseUrl: 'https://hooks.slack.com/x', replace: false }),
      fitAssessmentView({ org: { id: 'o', name: 'N'.repeat(80) } } as Parameters<
        typeof fitAssessmentView
      >[0]),
    ];
    let largest = 0;
    for (const view of views) {
      // Every text input filled to its limit with a character URL-encoding makes 6 bytes.
      const values: Record<string, Record<string, unknown>> = {};
      for (const block of (
        view as {
          blocks: {
            block_id?: string;
            element?: { type: string; action_id: string; max_length?: number };
          }[];
        }
      ).blocks) {
        const el = block.element;
        if (!block.block_id || !el) continue;
        values[block.block_id] = {
          [el.action_id]:
            el.type === 'plain_text_input'
              ? { type: el.type, value: 'é'.repeat(el.max_length ?? 3000) }
              : { type: el.type },
        };
      }
      const payload = { type: 'view_submission', view: { ...view, state: { values } } };
      largest = Math.max(
        largest,
        Buffer.byteLength(formBody({ payload: JSON.stringify(payload) })),
      );
    }
    console.info(`largest modal submission: ${largest} bytes; limit ${BODY_LIMIT_BYTES}`);
    expect(largest).toBeLessThan(BODY_LIMIT_BYTES / 2);
  });
});
