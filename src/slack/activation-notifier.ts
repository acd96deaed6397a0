import type { WebClient } from '@slack/web-api';
import type { Activation } from '../services/activation-service.js';
import { charterAckMessage, charterMessage, requirementsMessage } from './blocks/activation.js';
import type { FailedStep } from './blocks/slack-error.js';
import type { Rendered } from './blocks/text.js';
import type { SlackDeps } from './context.js';
import type { SetupStepKey } from './inputs/activation.js';
import { attempt, reportSlackFailures } from './slack-error-reporter.js';

/** Errors that mean nothing more can be done in the channel until a person fixes it. */
const CHANNEL_BLOCKED = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'missing_scope',
]);

/** One step of the activation set-up in Slack. */
interface SetupStep {
  readonly key: SetupStepKey;
  /** Describes the step for "Not done yet: …". */
  readonly label: string;
  run(): Promise<FailedStep | undefined>;
}

export interface SetupResult {
  readonly failed: readonly FailedStep[];
  /** Kinds of step that failed or were not attempted, for a retry. */
  readonly pending: readonly SetupStepKey[];
}

/** Every set-up step keyed so a retry can redo only the ones that did not work. */
function setupSteps(client: WebClient, activation: Activation): SetupStep[] {
  const { engagement, partnerOrg } = activation;
  const channel = engagement.partnerChannelId;
  const postAndPin = (key: SetupStepKey, what: string, message: Rendered): SetupStep => ({
    key,
    label: `post and pin ${what}`,
    async run(): Promise<FailedStep | undefined> {
      const posted = await attempt(() => client.chat.postMessage({ channel, ...message }));
      if (!posted.ok) {
        return {
          method: 'chat.postMessage',
          error: posted.error,
          attempted: `post ${what} in <#${channel}>`,
          manualFix: 'Once that is fixed, press *Retry the set-up* below.',
          channelId: channel,
        };
      }
      const ts = posted.value.ts;
      const pin = ts ? await attempt(() => client.pins.add({ channel, timestamp: ts })) : undefined;
      if (!pin || pin.ok || pin.error === 'already_pinned') return undefined;
      return {
        method: 'pins.add',
        error: pin.error,
        attempted: `pin ${what} in <#${channel}>`,
        manualFix: `Pin the message with ${what} in <#${channel}> by hand (it was posted).`,
        channelId: channel,
      };
    },
  });
  return [
    ...activation.memberIds.map((userId) => ({
      key: 'invites' as const,
      label: `invite <@${userId}>`,
      async run(): Promise<FailedStep | undefined> {
        const invited = await attempt(() =>
          client.conversations.invite({ channel, users: userId }),
        );
        if (invited.ok || invited.error === 'already_in_channel') return undefined;
        return {
          method: 'conversations.invite',
          error: invited.error,
          attempted: `invite <@${userId}> to <#${channel}>`,
          manualFix: `Once that is fixed, invite <@${userId}> to <#${channel}> by hand, or press *Retry the set-up* below.`,
          channelId: channel,
          userId,
        };
      },
    })),
    postAndPin(
      'requirements',
      'the approved requirements',
      requirementsMessage({
        slug: engagement.slug,
        name: engagement.name,
        client: engagement.client,
        partnerName: partnerOrg.name,
        ...(activation.requirementsRef ? { requirementsRef: activation.requirementsRef } : {}),
        scopeItems: activation.scopeItems,
        stages: activation.stages,
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
      async run(): Promise<FailedStep | undefined> {
        const ask = charterAckMessage({
          engagementId: engagement.id,
          slug: engagement.slug,
          memberIds: activation.memberIds,
          acks: [],
        });
        const posted = await attempt(() => client.chat.postMessage({ channel, ...ask }));
        if (posted.ok) return undefined;
        return {
          method: 'chat.postMessage',
          error: posted.error,
          attempted: `ask the partner members to acknowledge the charter in <#${channel}>`,
          manualFix:
            'Partner members cannot act until they acknowledge it: once that is fixed, press *Retry the set-up* below.',
          channelId: channel,
        };
      },
    },
  ];
}

/**
 * After activation commits: invites the partner organisation's members to the partner channel,
 * posts and pins the approved requirements and the charter, and asks each member to acknowledge
 * the charter (only the steps in `only`, when given: a retry). Every failed step is recorded
 * and reported to the activating executive and the operator; nothing is swallowed.
 */
export async function announceActivation(
  client: WebClient,
  deps: SlackDeps,
  teamId: string,
  activation: Activation,
  only?: readonly SetupStepKey[],
): Promise<SetupResult> {
  const steps = setupSteps(client, activation).filter((s) => !only || only.includes(s.key));
  const failed: FailedStep[] = [];
  const pending = new Set<SetupStepKey>();
  const skipped: string[] = [];
  for (const step of steps) {
    if (failed.some((f) => CHANNEL_BLOCKED.has(f.error))) {
      pending.add(step.key);
      skipped.push(step.label);
      continue;
    }
    const failure = await step.run();
    if (failure) {
      failed.push(failure);
      pending.add(step.key);
    }
  }
  const { engagement } = activation;
  await reportSlackFailures(client, deps, {
    teamId,
    actorId: activation.activatedBy,
    engagement: { id: engagement.id, slug: engagement.slug },
    recipients: [activation.activatedBy, engagement.operatorId],
    steps: failed,
    notDone: skipped,
    retry: { engagementId: engagement.id, steps: [...pending] },
  });
  return { failed, pending: [...pending] };
}
