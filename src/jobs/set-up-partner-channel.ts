import { z } from 'zod';
import { type Activation, loadActivationSetUp } from '../services/activation-service.js';
import { JOB } from '../services/follow-up.js';
import {
  charterAckMessage,
  charterMessage,
  requirementsMessage,
} from '../slack/blocks/activation.js';
import type { FailedStep } from '../slack/blocks/slack-error.js';
import type { Rendered } from '../slack/blocks/text.js';
import { retryButtonValue, SETUP_STEPS, type SetupStepKey } from '../slack/inputs/activation.js';
import { deliverMessage } from './deliver.js';
import { defineJob, type JobContext } from './job.js';
import { SlackCallFailed } from './slack-failure.js';

export const SET_UP_PARTNER_CHANNEL = JOB.setUpPartnerChannel;

/** Errors that mean nothing more can be done in the channel until a person fixes it. */
const CHANNEL_BLOCKED = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'missing_scope',
]);

type SetUp = Omit<Activation, 'record'>;

/** One step of the set-up: undefined when done, the failed step when Slack refused for good. */
interface Step {
  readonly key: SetupStepKey;
  readonly label: string;
  run(): Promise<FailedStep | undefined>;
}

/** Runs a call; a permanent refusal is returned (for the report), anything else thrown on. */
async function refusal(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    if (error instanceof SlackCallFailed && error.failure.kind === 'permanent') {
      return error.failure.code;
    }
    throw error;
  }
}

function steps(ctx: JobContext, setUp: SetUp): Step[] {
  const { engagement, partnerOrg } = setUp;
  const channel = engagement.partnerChannelId;
  const postAndPin = (key: SetupStepKey, what: string, message: Rendered): Step => ({
    key,
    label: `post and pin ${what}`,
    async run() {
      let ts: string | null = null;
      const posted = await refusal(async () => {
        ts = (await deliverMessage(ctx, { key: `${ctx.job.key}:${key}`, channel, message })).ts;
      });
      if (posted) {
        return {
          method: 'chat.postMessage',
          error: posted,
          attempted: `post ${what} in <#${channel}>`,
          manualFix: 'Once that is fixed, press *Retry the set-up* below.',
          channelId: channel,
        };
      }
      const timestamp: string | null = ts;
      if (!timestamp) return undefined;
      const pinned = await refusal(() =>
        ctx.call('pins.add', () => ctx.client.pins.add({ channel, timestamp })),
      );
      // A pin of an already pinned message (a retry after a lost answer) is done.
      if (!pinned || pinned === 'already_pinned') return undefined;
      return {
        method: 'pins.add',
        error: pinned,
        attempted: `pin ${what} in <#${channel}>`,
        manualFix: `Pin the message with ${what} in <#${channel}> by hand (it was posted).`,
        channelId: channel,
      };
    },
  });
  return [
    ...setUp.memberIds.map(
      (userId): Step => ({
        key: 'invites',
        label: `invite <@${userId}>`,
        async run() {
          const error = await refusal(() =>
            ctx.call('conversations.invite', () =>
              ctx.client.conversations.invite({ channel, users: userId }),
            ),
          );
          if (!error || error === 'already_in_channel') return undefined;
          return {
            method: 'conversations.invite',
            error,
            attempted: `invite <@${userId}> to <#${channel}>`,
            manualFix: `Once that is fixed, invite <@${userId}> to <#${channel}> by hand, or press *Retry the set-up* below.`,
            channelId: channel,
            userId,
          };
        },
      }),
    ),
    postAndPin(
      'requirements',
      'the approved requirements',
      requirementsMessage({
        slug: engagement.slug,
        name: engagement.name,
        client: engagement.client,
        partnerName: partnerOrg.name,
        ...(setUp.requirementsRef ? { requirementsRef: setUp.requirementsRef } : {}),
        scopeItems: setUp.scopeItems,
        stages: setUp.stages,
      }),
    ),
    postAndPin(
      'charter',
      'the engagement charter',
      charterMessage(engagement.slug, partnerOrg.name),
    ),
    {
      key: 'ack',
      label: 'ask the partner members to acknowledge the charter',
      async run() {
        const error = await refusal(() =>
          deliverMessage(ctx, {
            key: `${ctx.job.key}:ack`,
            channel,
            message: charterAckMessage({
              engagementId: engagement.id,
              slug: engagement.slug,
              memberIds: setUp.memberIds,
              acks: [],
            }),
          }),
        );
        if (!error) return undefined;
        return {
          method: 'chat.postMessage',
          error,
          attempted: `ask the partner members to acknowledge the charter in <#${channel}>`,
          manualFix:
            'Partner members cannot act until they acknowledge it: once that is fixed, press *Retry the set-up* below.',
          channelId: channel,
        };
      },
    },
  ];
}

const payload = z.object({
  teamId: z.string(),
  engagementId: z.string(),
  /** Who activated or retried: named in the failure record and told of it. */
  actorId: z.string(),
  steps: z.array(z.enum(SETUP_STEPS)).min(1),
});

/**
 * The Slack set-up of Partner Activation (or of its retry), in order: invite the partner
 * organisation's members to the partner channel, post and pin the approved requirements and
 * the charter, ask the members to acknowledge it. Key: the activation (or retry) record. Every
 * step is safe to run again: an invite of a member is `already_in_channel`, each post is
 * delivered once under `<key>:<step>`, a pin of a pinned message is `already_pinned`. 5xx,
 * timeouts and rate limits run the whole job again; a refusal is recorded once as
 * `slack.error`, the activating person and the operator told, with a retry button for what did
 * not get done; after a refusal that blocks the channel the rest is not attempted.
 */
export const setUpPartnerChannel = defineJob({
  name: SET_UP_PARTNER_CHANNEL,
  kind: 'once',
  payload,
  async handle(ctx, p) {
    const setUp = await loadActivationSetUp(ctx.deps, p.teamId, p.engagementId, p.actorId);
    if (!setUp) return;
    const failed: FailedStep[] = [];
    const pending = new Set<SetupStepKey>();
    const notDone: string[] = [];
    // Paused since it was asked for: partners stay out of the gated channel until a resume.
    const wanted = p.steps.filter((key) => setUp.stage === 'active' || key !== 'invites');
    for (const step of steps(ctx, setUp).filter((s) => wanted.includes(s.key))) {
      if (failed.some((f) => CHANNEL_BLOCKED.has(f.error))) {
        pending.add(step.key);
        notDone.push(step.label);
        continue;
      }
      const failure = await step.run();
      if (failure) {
        failed.push(failure);
        pending.add(step.key);
      }
    }
    const { engagement } = setUp;
    const retryValue = retryButtonValue({ engagementId: engagement.id, steps: [...pending] });
    for (const [i, step] of failed.entries()) {
      const last = i === failed.length - 1;
      await ctx.reportFailure({
        key: `${ctx.job.key}:${step.method}:${step.userId ?? ''}:${i}`,
        engagementId: engagement.id,
        slug: engagement.slug,
        actorId: p.actorId,
        method: step.method,
        error: step.error,
        attempted: step.attempted,
        manualFix: step.manualFix,
        reportTo: [p.actorId, engagement.operatorId],
        ...(step.userId ? { userId: step.userId } : {}),
        ...(step.channelId ? { channelId: step.channelId } : {}),
        ...(last ? { notDone, retryValue } : {}),
      });
    }
  },
  async failure(ctx, p, failed) {
    const setUp = await loadActivationSetUp(ctx.deps, p.teamId, p.engagementId, p.actorId);
    if (!setUp) return undefined;
    const channel = setUp.engagement.partnerChannelId;
    return {
      key: failed.key,
      engagementId: setUp.engagement.id,
      slug: setUp.engagement.slug,
      actorId: p.actorId,
      method: failed.method,
      error: failed.error,
      attempted: `set up the partner channel <#${channel}>`,
      manualFix: 'Press *Retry the set-up* below once Slack answers again.',
      reportTo: [p.actorId, setUp.engagement.operatorId],
      channelId: channel,
      retryValue: retryButtonValue({ engagementId: setUp.engagement.id, steps: p.steps }),
    };
  },
});
