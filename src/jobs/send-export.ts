import { z } from 'zod';
import {
  claimDelivery,
  endAttempt,
  markDelivered,
  releaseDelivery,
} from '../db/delivery-repository.js';
import type { ExportFormat } from '../domain/decision-record-format.js';
import { engagementLabel } from '../domain/engagement.js';
import { type ExportedLog, exportRecords } from '../services/decision-log-service.js';
import { JOB } from '../services/follow-up.js';
import { postToResponseUrl } from '../slack/response-url.js';
import { deliveryLeaseMs } from './deliver.js';
import { defineJob, type JobContext } from './job.js';
import { certainlyNotDone, RunAgainLater, SlackCallFailed } from './slack-failure.js';

export const SEND_EXPORT = JOB.sendExport;

const FORMAT_NAME: Record<ExportFormat, string> = { jsonl: 'JSON Lines', csv: 'CSV' };

const SCOPE_ERRORS = [
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'restricted_action',
];

function chainName(engagement: string): string {
  return engagement === 'workspace' ? 'the workspace' : engagementLabel(engagement);
}

const records = (n: number) => `${n} ${n === 1 ? 'record' : 'records'}`;

/** What the requester can do about a failed upload. */
function uploadAdvice(code: string): string {
  return SCOPE_ERRORS.includes(code)
    ? 'The app needs the `files:write` and `im:write` scopes and permission to upload files here: ask an AMOS admin to check its installation, then try again.'
    : 'Nothing was changed; try again in a minute, and tell your AMOS admin if it keeps failing.';
}

const payload = z.object({
  teamId: z.string(),
  userId: z.string(),
  engagementId: z.string().nullable(),
  format: z.enum(['jsonl', 'csv']),
  responseUrl: z.string().optional(),
});
type Payload = z.infer<typeof payload>;

const tell = (ctx: JobContext, p: Payload, text: string) =>
  postToResponseUrl(p.responseUrl, { response_type: 'ephemeral', text }, ctx.logger);

/**
 * `/amos export`: builds one chain's file from the record as committed now and uploads it to
 * the requester's DM with the app, at most once per request: "sending" is committed before the
 * upload, and after an attempt whose outcome is unknown the DM's recent history is searched for
 * the file (same name, title and size: the same chain with the same records) before uploading
 * again. The requester hears the outcome through the command's
 * response_url. A refusal is recorded once as `slack.error` and explained there.
 */
export const sendExport = defineJob({
  name: SEND_EXPORT,
  kind: 'once',
  payload,
  async handle(ctx, p) {
    const file = await exportRecords(ctx.deps, {
      teamId: p.teamId,
      userId: p.userId,
      engagementId: p.engagementId,
      format: p.format,
    });
    if (file.count === 0) {
      await tell(
        ctx,
        p,
        `No decisions are recorded for ${chainName(file.engagement)} yet, so there is nothing to export.`,
      );
      return;
    }
    const posted = await uploadOnce(ctx, p, file);
    if (posted) {
      await tell(
        ctx,
        p,
        `Sent \`${file.filename}\` (${records(file.count)}) to your direct messages with me.`,
      );
    }
  },
  async failure(ctx, p, failed) {
    // Recorded before the requester is told, so what they read is already in the record.
    await ctx.reportFailure({
      key: failed.key,
      engagementId: p.engagementId,
      actorId: p.userId,
      method: failed.method,
      error: failed.error,
      attempted: `send the decision record export (${p.format}) to <@${p.userId}>`,
      manualFix: 'Try `/amos export` again once the app can upload files.',
      reportTo: [],
      userId: p.userId,
    });
    await tell(
      ctx,
      p,
      `I couldn't send you the file: Slack answered \`${failed.error}\`. ${uploadAdvice(failed.error)}`,
    );
    return undefined;
  },
});

/** Uploads the file to the requester's DM unless an earlier attempt did; true when it did now. */
async function uploadOnce(ctx: JobContext, p: Payload, file: ExportedLog): Promise<boolean> {
  const { db } = ctx.deps;
  const key = `export:${ctx.job.key}`;
  const title = `Decision record of ${chainName(file.engagement)}`;
  const dm = await ctx.call('conversations.open', () =>
    ctx.client.conversations.open({ users: p.userId }),
  );
  const channelId = dm.channel?.id;
  if (!channelId) {
    throw new SlackCallFailed('conversations.open', { kind: 'permanent', code: 'no_channel' });
  }
  const claim = await claimDelivery(db, ctx.teamId, key, deliveryLeaseMs(ctx));
  switch (claim.state) {
    case 'sent':
      return false;
    case 'failed':
      throw new SlackCallFailed('files.uploadV2', { kind: 'permanent', code: 'given_up_earlier' });
    case 'busy':
      throw new RunAgainLater(Math.ceil(claim.retryInMs / 1000), 'another attempt holds it');
    case 'uncertain': {
      const found = await findEarlierUpload(ctx, channelId, {
        name: file.filename,
        title,
        size: Buffer.byteLength(file.content),
      });
      if (found) {
        await markDelivered(db, ctx.teamId, key, { channelId, ts: found });
        return true;
      }
      break;
    }
    case 'fresh':
      break;
  }
  try {
    await ctx.call('files.uploadV2', () =>
      ctx.client.files.uploadV2({
        channel_id: channelId,
        filename: file.filename,
        content: file.content,
        title,
        initial_comment: `The decision record of ${chainName(file.engagement)}: ${records(file.count)} as ${FORMAT_NAME[file.format]}. Each record carries the hash of the one before it, so any later change shows.`,
      }),
    );
  } catch (error) {
    if (error instanceof SlackCallFailed && certainlyNotDone(error.failure)) {
      await releaseDelivery(db, ctx.teamId, key);
    } else {
      await endAttempt(db, ctx.teamId, key, 1_000);
    }
    throw error;
  }
  await markDelivered(db, ctx.teamId, key, { channelId, ts: null });
  return true;
}

/** The ts of a recent DM message sharing a file of this name, title and size, if any. */
async function findEarlierUpload(
  ctx: JobContext,
  channelId: string,
  wanted: { name: string; title: string; size: number },
): Promise<string | undefined> {
  try {
    const history = await ctx.call('conversations.history', () =>
      ctx.client.conversations.history({ channel: channelId, limit: 200 }),
    );
    for (const message of history.messages ?? []) {
      const files = (message.files ?? []) as { name?: string; title?: string; size?: number }[];
      const same = (f: (typeof files)[number]) =>
        f.name === wanted.name && f.title === wanted.title && f.size === wanted.size;
      if (message.ts && files.some(same)) {
        return message.ts;
      }
    }
    return undefined;
  } catch (error) {
    if (error instanceof SlackCallFailed && error.failure.kind === 'permanent') return undefined;
    throw error;
  }
}
