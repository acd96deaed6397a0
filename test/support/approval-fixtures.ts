import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../src/clock.js';
import type { RecordedCall, RecordedResponse } from '../../src/sandbox/fake-slack.js';
import { type Harness, TEAM } from './app-harness.js';
import { createEngagement, type EngagementOverrides, grant } from './factories.js';

// Preconditions and probes for the scope and approval tests: people with roles, an engagement
// whose outputs are reviewed with complete requirements, and readers for what Slack received.

export const OPERATOR = 'U0OPER';
export const EXECS = ['U0EXECA', 'U0EXECB', 'U0EXECC'] as const;
export const PARTNER = 'U0PARTNR';

/** A clock that moves one second per reading, so every change gets its own time. */
export function steppingClock(start = '2026-11-25T12:00:00Z'): Clock {
  let t = new Date(start).getTime();
  return {
    now: () => {
      t += 1000;
      return new Date(t);
    },
  };
}

let counter = 0;

/** Grants the operator and the three executives their roles. */
export async function grantPeople(h: Harness): Promise<void> {
  await grant(h.db, TEAM.id, OPERATOR, 'operator');
  for (const id of EXECS) await grant(h.db, TEAM.id, id, 'executive');
}

/** An engagement in outputs_reviewed with two complete scope items and a checkpoint (override any). */
export async function reviewedEngagement(h: Harness, o: EngagementOverrides = {}) {
  counter += 1;
  return createEngagement(h.db, {
    slug: `req-${counter}-${Math.random().toString(36).slice(2, 6)}`,
    stage: 'outputs_reviewed',
    diagnostic: true,
    sponsorIds: [...EXECS],
    requiredApprovals: 1,
    escalationPath: { level1: [EXECS[0]], level2: [EXECS[1]], level3: [] },
    scopeItems: [
      { title: 'Lifecycle email program', criteria: ['Open rate above 35%', 'QA signed off'] },
      { title: 'Landing pages', criteria: ['Load under 2s'] },
    ],
    stages: [{ name: 'Mid-point review' }],
    ...o,
  });
}

/** The posts made to a response_url, once there are at least `count`. */
export async function responsesTo(h: Harness, url: string, count = 1): Promise<RecordedResponse[]> {
  for (let i = 0; i < 1000; i += 1) {
    const found = h.fake.responses(url);
    if (found.length >= count) {
      // Follow-up work (jobs committed with the change) has run too before the test asserts.
      await h.app.idle();
      return [...h.fake.responses(url)];
    }
    await sleep(10);
  }
  throw new Error(`no response posted to ${url}`);
}

/** Runs `/amos <text>` and returns the text of the first reply posted to its response_url. */
export async function commandReply(
  h: Harness,
  userId: string,
  text: string,
  options: { channelId?: string } = {},
): Promise<{ text: string; body: Record<string, unknown> }> {
  const res = await h.driver.command(userId, text, options);
  if (res.status !== 200) throw new Error(`command answered ${res.status}`);
  const ack = res.json as { text?: string } | undefined;
  if (ack?.text) {
    await h.app.idle();
    return { text: ack.text, body: ack as Record<string, unknown> };
  }
  const [reply] = await responsesTo(h, res.responseUrl);
  return { text: String(reply?.body.text ?? ''), body: reply?.body ?? {} };
}

/** An engagement's decision records, oldest first. */
export async function recordsOf(h: Harness, engagementId: string) {
  return h.db
    .selectFrom('decision_record')
    .select(['kind', 'subject_ref', 'summary', 'details', 'actor_id', 'actor_role', 'seq'])
    .where('team_id', '=', TEAM.id)
    .where('engagement_id', '=', engagementId)
    .orderBy('seq')
    .execute();
}

/** The engagement's stage as stored. */
export async function stageOf(h: Harness, engagementId: string): Promise<string> {
  const row = await h.db
    .selectFrom('engagement')
    .select('stage')
    .where('id', '=', engagementId)
    .executeTakeFirstOrThrow();
  return row.stage;
}

/** The engagement's approval requests, oldest first. */
export async function requestsOf(h: Harness, engagementId: string) {
  return h.db
    .selectFrom('approval_request')
    .selectAll()
    .where('team_id', '=', TEAM.id)
    .where('engagement_id', '=', engagementId)
    .orderBy('requested_at')
    .execute();
}

/** The DMs posted for a request: one chat.postMessage per sponsor, with its channel and ts. */
export function approvalPosts(
  h: Harness,
  ref: string,
): { call: RecordedCall; channel: string; ts: string; user: string }[] {
  return h.fake
    .callsTo('chat.postMessage')
    .filter((c) => String(c.args.text ?? '').includes(`Approval needed: ${ref}`))
    .map((c) => ({
      call: c,
      channel: String(c.response.channel),
      ts: String(c.response.ts),
      user: String(c.args.channel),
    }));
}

/** Resolves once `check` passes (polling), for work done after an ack. */
export async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(15);
    }
  }
}

export const json = (value: unknown) => JSON.stringify(value);
