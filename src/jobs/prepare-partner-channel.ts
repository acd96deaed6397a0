import { z } from 'zod';
import {
  claimDelivery,
  endAttempt,
  markDelivered,
  markUndeliverable,
  releaseDelivery,
} from '../db/delivery-repository.js';
import { type EngagementRow, findEngagementById } from '../db/engagement-repository.js';
import { findPartnerOrgById } from '../db/partner-repository.js';
import { engagementLabel } from '../domain/engagement.js';
import { DomainRefusal } from '../domain/errors.js';
import { linkPartnerChannel } from '../services/engagement-service.js';
import { JOB } from '../services/follow-up.js';
import {
  channelLinkedMessage,
  engagementCreatedMessage,
  linkChannelButton,
} from '../slack/blocks/new-engagement.js';
import { section } from '../slack/blocks/text.js';
import { deliverMessage, deliveryLeaseMs } from './deliver.js';
import { defineJob, type FailureReport, type JobContext } from './job.js';
import { certainlyNotDone, RunAgainLater, SlackCallFailed } from './slack-failure.js';

export const PREPARE_PARTNER_CHANNEL = JOB.preparePartnerChannel;

const payload = z.object({
  teamId: z.string(),
  engagementId: z.string(),
  /** Who asked (the creator, or whoever linked): named as actor, told by DM. */
  userId: z.string(),
  channel: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('create'), name: z.string() }),
    z.object({ kind: z.literal('check'), channelId: z.string() }),
  ]),
  /** `created`: the `/amos new` summary; `linked`: the outcome of linking a channel later. */
  summary: z.enum(['created', 'linked']),
});
type Payload = z.infer<typeof payload>;

/** The Web API calls of the summary DM itself (deliverMessage's); others are channel steps. */
const SUMMARY_METHODS = new Set([
  'chat.postMessage',
  'conversations.open',
  'conversations.history',
]);

/**
 * After `/amos new` or the link-a-channel modal committed: creates the private partner channel
 * (or checks the linked one), stores its id (`engagement.channel_linked`, its own change), adds
 * the creator and the operator, then DMs the asker the summary, once. Key: the engagement and
 * the record (or request) that asked for it. Creating a channel is not safe to repeat: "creating"
 * is committed before `conversations.create` and the id after it; an attempt after an uncertain
 * outcome that meets `name_taken` looks for the private channel AMOS made under that name
 * (`conversations.list`) and stores it instead of reporting a clash. A refusal (`name_taken`
 * of someone else's channel, ...) is recorded once as `slack.error` and explained to the asker;
 * the engagement stays, without a channel, and the summary offers *Link partner channel*.
 */
export const preparePartnerChannel = defineJob({
  name: PREPARE_PARTNER_CHANNEL,
  kind: 'once',
  payload,
  async handle(ctx, p) {
    const engagement = await findEngagementById(ctx.deps.db, p.teamId, p.engagementId);
    if (!engagement) return;
    let channelId: string | null;
    let note: string | undefined;
    if (p.channel.kind === 'create') {
      channelId = await createOnce(ctx, p, engagement, p.channel.name);
    } else {
      channelId = p.channel.channelId;
      note = await checkChannel(ctx, p, engagement, channelId);
    }
    await deliverMessage(ctx, {
      key: `channel-summary:${ctx.job.key}`,
      channel: p.userId,
      message: await summaryOf(ctx, p, engagement, channelId, note),
    });
  },
  async failure(ctx, p, failed) {
    const engagement = await findEngagementById(ctx.deps.db, p.teamId, p.engagementId);
    if (!engagement) return undefined;
    if (!SUMMARY_METHODS.has(failed.method)) {
      return stepFailure(ctx, p, engagement, {
        method: failed.method,
        error: failed.error,
        ...(p.channel.kind === 'create'
          ? createStep(engagement, p.channel.name)
          : {
              attempted: `see the linked partner channel <#${p.channel.channelId}>`,
              manualFix: `Add AMOS to <#${p.channel.channelId}> (type \`/invite @AMOS\` there).`,
            }),
      });
    }
    // The creator's summary is their receipt: recorded, and the operator told. A later link's
    // outcome DM is only logged (the person just acted and sees the channel).
    if (p.summary !== 'created') return undefined;
    return {
      key: failed.key,
      engagementId: engagement.id,
      slug: engagement.slug,
      actorId: p.userId,
      method: failed.method,
      error: failed.error,
      attempted: `tell <@${p.userId}> that ${engagement.slug} was created and what to do next`,
      manualFix: `Run \`/amos status ${engagement.slug}\` for the next step.`,
      reportTo: [engagement.operator_id].filter((id) => id !== p.userId),
      userId: p.userId,
    };
  },
});

function createStep(engagement: EngagementRow, name: string) {
  return {
    attempted: `create the private partner channel #${name}`,
    manualFix: `${engagementLabel(engagement.slug)} is saved in draft and nothing is lost. Press *Link partner channel* to try another name or pick an existing channel.`,
  };
}

function stepFailure(
  ctx: JobContext,
  p: Payload,
  engagement: EngagementRow,
  step: {
    method: string;
    error: string;
    attempted: string;
    manualFix: string;
    channelId?: string;
    reportTo?: readonly string[];
  },
): FailureReport {
  return {
    key: `${ctx.job.key}:${step.method}`,
    engagementId: engagement.id,
    slug: engagement.slug,
    actorId: p.userId,
    method: step.method,
    error: step.error,
    attempted: step.attempted,
    manualFix: step.manualFix,
    reportTo: step.reportTo ?? [p.userId],
    ...(step.channelId ? { channelId: step.channelId } : {}),
  };
}

/**
 * The engagement's new private channel, created at most once: returns its id, or null when
 * Slack refused (reported). Safe to run again: a channel already stored is reused.
 */
async function createOnce(
  ctx: JobContext,
  p: Payload,
  engagement: EngagementRow,
  name: string,
): Promise<string | null> {
  if (engagement.partner_channel_id) return engagement.partner_channel_id;
  const { db } = ctx.deps;
  const key = `create-channel:${ctx.job.key}`;
  const claim = await claimDelivery(db, ctx.teamId, key, deliveryLeaseMs(ctx));
  let channelId: string | null;
  switch (claim.state) {
    case 'failed':
      return null;
    case 'busy':
      throw new RunAgainLater(Math.ceil(claim.retryInMs / 1000), 'another attempt holds it');
    case 'sent':
      channelId = claim.channelId;
      break;
    default:
      channelId = await createChannel(ctx, p, engagement, name, claim.state === 'uncertain');
      if (!channelId) return null;
      await markDelivered(db, ctx.teamId, key, { channelId, ts: null });
  }
  if (!channelId) return null;
  try {
    await linkPartnerChannel(ctx.deps, {
      teamId: p.teamId,
      userId: p.userId,
      engagementId: engagement.id,
      channelId,
      created: true,
    });
  } catch (error) {
    if (!(error instanceof DomainRefusal)) throw error;
    // Linked meanwhile (by an earlier attempt, or by hand): keep what is stored.
    const now = await findEngagementById(db, p.teamId, engagement.id);
    if (!now?.partner_channel_id) throw error;
    return now.partner_channel_id;
  }
  await invite(ctx, p, engagement, channelId);
  return channelId;
}

async function createChannel(
  ctx: JobContext,
  p: Payload,
  engagement: EngagementRow,
  name: string,
  uncertain: boolean,
): Promise<string | null> {
  const { db } = ctx.deps;
  const key = `create-channel:${ctx.job.key}`;
  try {
    const created = await ctx.call('conversations.create', () =>
      ctx.client.conversations.create({ name, is_private: true }),
    );
    const id = created.channel?.id;
    if (id) return id;
    throw new SlackCallFailed('conversations.create', {
      kind: 'permanent',
      code: 'no_channel_returned',
    });
  } catch (error) {
    if (!(error instanceof SlackCallFailed)) throw error;
    if (error.failure.kind !== 'permanent') {
      if (certainlyNotDone(error.failure)) await releaseDelivery(db, ctx.teamId, key);
      else await endAttempt(db, ctx.teamId, key, 1_000);
      throw error;
    }
    if (error.failure.code === 'name_taken' && uncertain) {
      const ours = await findOwnChannel(ctx, name);
      if (ours) return ours;
    }
    await markUndeliverable(db, ctx.teamId, key);
    await ctx.reportFailure(
      stepFailure(ctx, p, engagement, {
        method: 'conversations.create',
        error: error.failure.code,
        ...createStep(engagement, name),
      }),
    );
    return null;
  }
}

/**
 * The private channel of this name that AMOS created (an earlier attempt whose answer was lost):
 * private channels listed to the bot are those it is in; it must be the bot's own.
 */
async function findOwnChannel(ctx: JobContext, name: string): Promise<string | undefined> {
  const auth = await ctx.call('auth.test', () => ctx.client.auth.test());
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const listed = await ctx.call('conversations.list', () =>
      ctx.client.conversations.list({
        types: 'private_channel',
        exclude_archived: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      }),
    );
    const found = listed.channels?.find(
      (ch) => ch.name === name && (!auth.user_id || ch.creator === auth.user_id),
    );
    if (found?.id) return found.id;
    cursor = listed.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** Adds the asker and the operator to the new channel; someone already there is fine. */
async function invite(
  ctx: JobContext,
  p: Payload,
  engagement: EngagementRow,
  channelId: string,
): Promise<void> {
  const people = [...new Set([p.userId, engagement.operator_id])];
  try {
    await ctx.call('conversations.invite', () =>
      ctx.client.conversations.invite({ channel: channelId, users: people.join(',') }),
    );
  } catch (error) {
    if (!(error instanceof SlackCallFailed) || error.failure.kind !== 'permanent') throw error;
    if (['already_in_channel', 'cant_invite_self'].includes(error.failure.code)) return;
    await ctx.reportFailure(
      stepFailure(ctx, p, engagement, {
        method: 'conversations.invite',
        error: error.failure.code,
        attempted: `add you and the operator to <#${channelId}>`,
        manualFix: `The channel is created and linked to ${engagementLabel(engagement.slug)}; ask a member of it to add you.`,
        channelId,
      }),
    );
  }
}

/**
 * A linked existing channel: AMOS must be a member to gate it and invite the partner at
 * activation. Returns what the asker should do, or nothing.
 */
async function checkChannel(
  ctx: JobContext,
  p: Payload,
  engagement: EngagementRow,
  channelId: string,
): Promise<string | undefined> {
  const addAmos = `Add AMOS to <#${channelId}> (type \`/invite @AMOS\` there) so it can gate the channel and invite the partner at activation.`;
  try {
    const info = await ctx.call('conversations.info', () =>
      ctx.client.conversations.info({ channel: channelId }),
    );
    if (info.channel?.is_member) return undefined;
    return `:information_source: AMOS is not a member of <#${channelId}> yet. ${addAmos}`;
  } catch (error) {
    if (!(error instanceof SlackCallFailed) || error.failure.kind !== 'permanent') throw error;
    await ctx.reportFailure(
      stepFailure(ctx, p, engagement, {
        method: 'conversations.info',
        error: error.failure.code,
        attempted: `see the linked partner channel <#${channelId}>`,
        manualFix: addAmos,
        channelId,
        reportTo: [],
      }),
    );
    return `:warning: AMOS cannot see <#${channelId}> (Slack said \`${error.failure.code}\`): it is private and AMOS is not in it. ${addAmos}`;
  }
}

async function summaryOf(
  ctx: JobContext,
  p: Payload,
  engagement: EngagementRow,
  channelId: string | null,
  note: string | undefined,
) {
  if (p.summary === 'created') {
    const org = engagement.partner_org_id
      ? await findPartnerOrgById(ctx.deps.db, p.teamId, engagement.partner_org_id)
      : undefined;
    return engagementCreatedMessage({
      engagement,
      partnerOrgName: org?.name ?? null,
      channelId,
      ...(note ? { channelNote: note } : {}),
    });
  }
  if (channelId) return channelLinkedMessage(engagement.slug, channelId, note);
  const text = 'Try again with another name, or pick an existing channel.';
  return { text, blocks: [section(text), linkChannelButton(engagement.id)] };
}
