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

/** The text of a response, whatever its shape. */
export const textOf = (response: RecordedResponse | undefined) => String(response?.body.text ?? '');

export { eventually, recordsOf, responsesTo, stageOf } from './approval-fixtures.js';
