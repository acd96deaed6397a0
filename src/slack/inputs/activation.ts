import { z } from 'zod';
import { DomainRefusal } from '../../domain/errors.js';
import { COMMAND } from '../ids.js';
import { slugToken as slug } from './slug.js';

// Inputs of `/amos activate [slug]`, the charter acknowledgement button and the
// "Retry the set-up" button of an activation failure DM.

/** The kinds of activation set-up step in Slack; a retry names the kinds to redo. */
export const SETUP_STEPS = ['invites', 'requirements', 'charter', 'ack'] as const;
export type SetupStepKey = (typeof SETUP_STEPS)[number];

function invalid(message: string): never {
  throw new DomainRefusal({ code: 'invalid_input', message });
}

/** `/amos activate [slug]`: at most one engagement slug. */
export function parseActivateArgs(args: string): { slug?: string } {
  const usage = `\`${COMMAND} activate [slug]\` (or type \`${COMMAND} activate\` in the engagement's partner channel)`;
  const tokens = args.split(/\s+/).filter(Boolean);
  if (tokens.length > 1)
    invalid(`\`${COMMAND} activate\` takes one engagement slug. Usage: ${usage}.`);
  const [first] = tokens;
  if (first === undefined) return {};
  const parsed = slug.safeParse(first);
  return parsed.success
    ? { slug: parsed.data }
    : invalid(`\`${first}\` is not an engagement slug. Usage: ${usage}.`);
}

const engagementId = z.uuid();

/** The engagement id carried by the acknowledge button; undefined when it is not one. */
export function parseCharterAckValue(value: unknown): string | undefined {
  const parsed = engagementId.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const retryValue = z.object({ e: engagementId, s: z.array(z.enum(SETUP_STEPS)).min(1) });

/** The retry button's value: the engagement and the steps to redo (well under Slack's 2000). */
export function retryButtonValue(retry: {
  engagementId: string;
  steps: readonly string[];
}): string {
  return JSON.stringify({ e: retry.engagementId, s: retry.steps });
}

/** Parses a retry button's value; undefined when it is not one. */
export function parseRetryValue(
  value: unknown,
): { engagementId: string; steps: SetupStepKey[] } | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = retryValue.safeParse(JSON.parse(value));
    return parsed.success ? { engagementId: parsed.data.e, steps: parsed.data.s } : undefined;
  } catch {
    return undefined;
  }
}
