import { z } from 'zod';
import { DomainRefusal, refuse } from '../../domain/errors.js';
import type { EscalationInput } from '../../domain/escalation.js';
import { normalizeRef, parseRef } from '../../domain/refs.js';
import { isRiskMove, type RiskInput, type RiskMove } from '../../domain/risk.js';
import { cleanTypedText } from '../../domain/text.js';
import { ENGAGEMENT_BLOCK, type RiskModalMetadata } from '../blocks/risk.js';
import { RISK } from '../ids.js';
import { ModalValues } from './modal-values.js';
import { slugToken } from './slug.js';
import { decodeSlackEntities } from './text.js';

// `/amos risk`, `/amos escalate` and the "Raise AMOS risk" shortcut: command text, modal values,
// metadata and the message a shortcut was used on.

function invalid(message: string): never {
  throw new DomainRefusal(refuse('invalid_input', message).refusal);
}

const RISK_USAGE =
  'Use `/amos risk [slug]` to raise a risk, or `/amos risk [slug] RK-n ack|mitigated|closed` to move one.';

/** `/amos risk [slug]` opens the modal; `/amos risk [slug] RK-n ack|mitigated|closed` moves a risk. */
export function parseRiskArgs(args: string): {
  slug?: string;
  move?: { ref: string; move: RiskMove };
} {
  const words = args.split(/\s+/).filter(Boolean);
  let slug: string | undefined;
  if (words[0] && !parseRef(words[0])) {
    const parsed = slugToken.safeParse(words.shift());
    if (!parsed.success) invalid(RISK_USAGE);
    slug = parsed.data;
  }
  const base = slug ? { slug } : {};
  if (words.length === 0) return base;
  const [ref, verb, ...extra] = words;
  const normal = normalizeRef(ref ?? '');
  const move = (verb ?? '').toLowerCase();
  const alias =
    move === 'acknowledged' || move === 'acknowledge' ? 'ack' : move === 'close' ? 'closed' : move;
  if (!normal?.startsWith('RK-') || !isRiskMove(alias) || extra.length > 0) invalid(RISK_USAGE);
  return { ...base, move: { ref: normal, move: alias } };
}

/** `/amos escalate [slug]`. */
export function parseEscalateArgs(args: string): { slug?: string } {
  const words = args.split(/\s+/).filter(Boolean);
  if (words.length === 0) return {};
  const parsed = slugToken.safeParse(words[0]);
  if (!parsed.success || words.length > 1)
    invalid('Use `/amos escalate [slug]`: the form asks for the rest.');
  return { slug: parsed.data };
}

/** The engagement the modal names: from its metadata, or the slug typed into it. */
export function modalSlug(values: unknown, metadata: RiskModalMetadata): string | undefined {
  if (metadata.slug) return metadata.slug;
  const typed = new ModalValues(values, RISK.inputAction).text(ENGAGEMENT_BLOCK);
  const parsed = slugToken.safeParse(typed);
  if (!parsed.success) {
    throw new DomainRefusal(
      refuse('invalid_input', 'Which engagement?', undefined, {
        engagement: 'Type the engagement’s slug, e.g. acme-q3 (`/amos status` lists them).',
      }).refusal,
    );
  }
  return parsed.data;
}

export function parseRiskForm(values: unknown, metadata: RiskModalMetadata): RiskInput {
  const v = new ModalValues(values, RISK.inputAction);
  const b = RISK.risk;
  const category = v.option(b.category);
  const severity = v.option(b.severity);
  return {
    title: v.text(b.title),
    ...(category ? { category } : {}),
    ...(severity ? { severity } : {}),
    description: v.text(b.description, 'lines'),
    mitigation: v.text(b.mitigation, 'lines'),
    ...(metadata.messageLink ? { messageLink: metadata.messageLink } : {}),
  };
}

export const RISK_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  engagement: ENGAGEMENT_BLOCK,
  ...RISK.risk,
};

const dateState = z.looseObject({ selected_date: z.string().nullish() });
const stateValues = z.record(z.string(), z.record(z.string(), z.unknown()));

export function parseEscalationForm(values: unknown): EscalationInput {
  const v = new ModalValues(values, RISK.inputAction);
  const b = RISK.escalation;
  const category = v.option(b.category);
  const severity = v.option(b.severity);
  const parsed = stateValues.safeParse(values);
  const date = dateState.safeParse(
    parsed.success ? parsed.data[b.byWhen]?.[RISK.inputAction] : undefined,
  );
  const byWhen = (date.success ? date.data.selected_date : undefined) ?? undefined;
  return {
    ...(category ? { category } : {}),
    ...(severity ? { severity } : {}),
    needed: v.text(b.needed, 'lines'),
    ...(byWhen ? { byWhen } : {}),
  };
}

export const ESCALATION_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  engagement: ENGAGEMENT_BLOCK,
  ...RISK.escalation,
};

const metadata = z.object({
  slug: slugToken.optional(),
  responseUrl: z.string().max(2000).optional(),
  formId: z.string().min(8).max(100),
  messageLink: z.string().max(500).optional(),
});

/** A risk or escalation modal's private_metadata, or undefined when it is not ours. */
export function parseRiskMetadata(raw: string | undefined): RiskModalMetadata | undefined {
  try {
    const parsed = metadata.parse(JSON.parse(raw ?? ''));
    return {
      formId: parsed.formId,
      ...(parsed.slug ? { slug: parsed.slug } : {}),
      ...(parsed.responseUrl ? { responseUrl: parsed.responseUrl } : {}),
      ...(parsed.messageLink ? { messageLink: parsed.messageLink } : {}),
    };
  } catch {
    return undefined;
  }
}

const shortcutPayload = z.looseObject({
  team: z.looseObject({ id: z.string(), domain: z.string().regex(/^[a-z0-9-]+$/i) }).nullish(),
  channel: z.looseObject({ id: z.string().regex(/^[CGD][A-Z0-9]+$/) }),
  message: z.looseObject({
    ts: z.string().regex(/^\d+\.\d+$/),
    text: z.string().optional(),
    thread_ts: z
      .string()
      .regex(/^\d+\.\d+$/)
      .optional(),
  }),
  response_url: z.string().optional(),
});

/**
 * What a message shortcut brings to the risk modal: the channel, the message's text (Slack's
 * markup decoded, cleaned as typed text) as the prefill, and a permalink built from the team's
 * domain, the channel and the ts, without calling Slack.
 */
export function parseRiskShortcut(body: unknown): {
  channelId: string;
  text: string;
  title: string;
  permalink: string | undefined;
  responseUrl: string | undefined;
} {
  const parsed = shortcutPayload.safeParse(body);
  if (!parsed.success) invalid('That message cannot be raised as a risk.');
  const { team, channel, message } = parsed.data;
  const text = cleanTypedText(decodeSlackEntities(message.text ?? ''), 'lines');
  const firstLine = cleanTypedText(text.split('\n')[0] ?? '', 'line');
  const ts = message.ts.replace('.', '');
  const thread =
    message.thread_ts && message.thread_ts !== message.ts
      ? `?thread_ts=${message.thread_ts}&cid=${channel.id}`
      : '';
  return {
    channelId: channel.id,
    text,
    title: firstLine.slice(0, 150),
    permalink: team?.domain
      ? `https://${team.domain.toLowerCase()}.slack.com/archives/${channel.id}/p${ts}${thread}`
      : undefined,
    responseUrl: parsed.data.response_url,
  };
}
