import { z } from 'zod';
import {
  checkDiagnosticContent,
  DIAGNOSTIC_TEXT_MAX,
  type DiagnosticContent,
  type DiagnosticField,
  isValidScore,
  SCORE_MAX,
  SCORE_MIN,
} from '../../domain/diagnostic.js';
import { tooLongMessage } from '../../domain/text.js';
import { DIAGNOSTIC_FORM } from '../ids.js';
import { errorsByBlock, ModalValues } from './modal-values.js';

const B = DIAGNOSTIC_FORM.blocks;

/** The block each field's inline error goes to. */
export const DIAGNOSTIC_FIELD_BLOCKS: Readonly<Record<DiagnosticField, string>> = {
  priorities: B.priorities,
  scores: B.scores,
  findings: B.findings,
  recommendedScope: B.recommendedScope,
};

const LIST_MARKER = /^\s*(?:\d+[.)]|[-*•])\s+/;
const SCORE_LINE = /^(.+?)\s*:\s*(.*)$/;
const DIMENSION_MAX = 80;

/** One priority per line, first the most important; list markers ("1.", "-") are dropped. */
const priorities = z.string().transform((text) =>
  text
    .split('\n')
    .map((line) => line.replace(LIST_MARKER, '').trim())
    .filter((line) => line.length > 0),
);

/** `dimension: score` per line; an unreadable line is refused naming the line. */
const scores = z.string().transform((text, ctx) => {
  const result: Record<string, number> = {};
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const where = `Line ${index + 1} \`${line.slice(0, 60)}\``;
    const match = SCORE_LINE.exec(line);
    const dimension = match?.[1]?.trim() ?? '';
    const value = match?.[2]?.trim() ?? '';
    let problem: string | undefined;
    if (!match || !dimension)
      problem = `${where}: write \`dimension: score\`, e.g. \`retention: 42\`.`;
    else if (dimension.length > DIMENSION_MAX)
      problem = `${where}: name the dimension in at most ${DIMENSION_MAX} characters.`;
    else if (!/^-?\d+(\.\d+)?$/.test(value) || !isValidScore(Number(value)))
      problem = `${where}: scores are whole numbers from ${SCORE_MIN} to ${SCORE_MAX}.`;
    else if (seen.has(dimension.toLowerCase()))
      problem = `${where}: \`${dimension}\` is already scored above.`;
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    seen.add(dimension.toLowerCase());
    result[dimension] = Number(value);
  }
  return result;
});

export type DiagnosticParse =
  | { readonly ok: true; readonly content: DiagnosticContent }
  | { readonly ok: false; readonly errors: Record<string, string> };

/**
 * The submitted System Entry modal as Diagnostic content, or inline errors keyed by block id
 * (a bad score line is named with its line number).
 */
export function parseDiagnostic(values: unknown): DiagnosticParse {
  const v = new ModalValues(values, DIAGNOSTIC_FORM.inputAction);
  const fieldErrors: Record<string, string> = {};
  for (const [field, block] of Object.entries(DIAGNOSTIC_FIELD_BLOCKS)) {
    const length = v.text(block, 'lines').length;
    if (length > DIAGNOSTIC_TEXT_MAX)
      fieldErrors[field] = tooLongMessage(DIAGNOSTIC_TEXT_MAX, length);
  }
  const parsedScores = scores.safeParse(v.text(B.scores, 'lines'));
  const content: DiagnosticContent = {
    priorities: priorities.parse(v.text(B.priorities, 'lines')),
    scores: parsedScores.success ? parsedScores.data : {},
    findings: v.text(B.findings, 'lines'),
    recommendedScope: v.text(B.recommendedScope, 'lines'),
  };
  if (!parsedScores.success)
    fieldErrors.scores ??= parsedScores.error.issues[0]?.message ?? 'Check the scores.';
  const rules = checkDiagnosticContent(content);
  if (!rules.ok) {
    for (const [field, message] of Object.entries(rules.refusal.fieldErrors ?? {})) {
      fieldErrors[field] ??= message;
    }
  }
  if (Object.keys(fieldErrors).length > 0) {
    return { ok: false, errors: errorsByBlock(fieldErrors, DIAGNOSTIC_FIELD_BLOCKS, B.priorities) };
  }
  return { ok: true, content };
}

/** Scores as the form shows them: one `dimension: score` per line. */
export function formatScores(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([dimension, score]) => `${dimension}: ${score}`)
    .join('\n');
}

/** The Diagnostic version a review message showed: its buttons and the Send back modal carry it. */
export interface ReviewTarget {
  readonly engagementId: string;
  readonly slug?: string;
  readonly ref: string;
  readonly version: number;
}

const reviewTarget = z.object({
  engagementId: z.string().min(1),
  slug: z.string().optional(),
  ref: z.string().min(1),
  version: z.number().int().positive(),
});

/** A button value or private_metadata naming the engagement and the exact version shown. */
export function reviewTargetValue(target: ReviewTarget): string {
  const { engagementId, slug, ref, version } = target;
  return JSON.stringify(
    slug ? { engagementId, slug, ref, version } : { engagementId, ref, version },
  );
}

/**
 * The version a review button or modal was rendered for, or undefined when the value is not
 * ours or predates versioned review messages (it then names no version and must be reopened).
 */
export function parseReviewTarget(raw: string | undefined): ReviewTarget | undefined {
  try {
    const parsed = reviewTarget.parse(JSON.parse(raw ?? ''));
    const { engagementId, ref, version } = parsed;
    return parsed.slug
      ? { engagementId, slug: parsed.slug, ref, version }
      : { engagementId, ref, version };
  } catch {
    return undefined;
  }
}
