import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedResponse } from '../../src/sandbox/fake-slack.js';
import { type Harness, TEAM } from './app-harness.js';
import { createEngagement, createPartnerOrg, grant } from './factories.js';

// Preconditions for activation and gating tests: an executive, a partner organisation whose
// members exist in the fake Slack, a private partner channel with the bot in it, and an engagement.

let counter = 0;

export interface PartnerSetup {
  readonly engagement: Awaited<ReturnType<typeof createEngagement>>;
  readonly org: { id: string; name: string };
  readonly channelId: string;
  readonly members: string[];
}

/** A fresh engagement with its own partner organisation (members added to Slack) and channel. */
export async function partnerEngagement(
  h: Harness,
  o: {
    stage?: string;
    verdict?: 'fit' | 'not_fit' | 'needs_conversation';
    members?: string[];
    botInChannel?: boolean;
  } = {},
): Promise<PartnerSetup> {
  counter += 1;
  const members = o.members ?? [`U0PA${counter}X`, `U0PB${counter}X`];
  for (const id of members) h.fake.addUser(TEAM.id, { id, name: id.toLowerCase() });
  await grant(h.db, TEAM.id, 'U0EXEC', 'executive');
  await grant(h.db, TEAM.id, 'U0OPER', 'operator');
  const org = await createPartnerOrg(h.db, {
    name: `Northwind ${counter}`,
    members,
    verdict: o.verdict ?? 'fit',
  });
  const channelId = `C0PARTNER${counter}`;
  h.fake.addChannel(TEAM.id, {
    id: channelId,
    name: `partner-${counter}`,
    isPrivate: true,
    members: o.botInChannel === false ? [] : [TEAM.botUserId],
  });
  const engagement = await createEngagement(h.db, {
    slug: `acme-${counter}`,
    stage: o.stage ?? 'execution_approved',
    partnerOrgId: org.id,
    partnerChannelId: channelId,
  });
  return { engagement, org, channelId, members };
}

/** The posts made to a response_url, once there is at least one. */
export async function responsesTo(h: Harness, url: string, count = 1): Promise<RecordedResponse[]> {
  for (let i = 0; i < 300; i += 1) {
    const found = h.fake.responses(url);
    if (found.length >= count) return [...found];
    await sleep(10);
  }
  throw new Error(`no response posted to ${url}`);
}

/** The text of a response, whatever its shape. */
export const textOf = (response: RecordedResponse | undefined) => String(response?.body.text ?? '');

/** An engagement's decision records, oldest first. */
export async function recordsOf(h: Harness, engagementId: string) {
  return h.db
    .selectFrom('decision_record')
    .select(['kind', 'summary', 'details', 'actor_id', 'actor_role', 'seq'])
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

/** Resolves once `check` passes (polling), so tests can wait for work done after an ack. */
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
