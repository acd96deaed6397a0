import { z } from 'zod';
import { EXPORT_FORMATS, type ExportFormat } from '../../domain/decision-record-format.js';
import { DomainRefusal } from '../../domain/errors.js';
import { COMMAND } from '../ids.js';
import { slugToken as slug } from './slug.js';

// `/amos log [slug|workspace]` and `/amos export [slug|workspace] [jsonl|csv]`: at most one
// slug, and for export at most one format, in either order.

const format = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(EXPORT_FORMATS));

function invalid(message: string): never {
  throw new DomainRefusal({ code: 'invalid_input', message });
}

function tokens(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

function parseSlug(token: string | undefined, usage: string): string | undefined {
  if (token === undefined) return undefined;
  const parsed = slug.safeParse(token);
  return parsed.success
    ? parsed.data
    : invalid(`\`${token}\` is not an engagement slug. Usage: \`${COMMAND} ${usage}\`.`);
}

/** `/amos log` arguments: an optional slug ('workspace' names the workspace chain). */
export function parseLogArgs(args: string): { slug?: string } {
  const usage = 'log [slug|workspace]';
  const [first, ...rest] = tokens(args);
  if (rest.length > 0)
    invalid(`\`${COMMAND} log\` takes one engagement slug. Usage: \`${COMMAND} ${usage}\`.`);
  const parsed = parseSlug(first, usage);
  return parsed ? { slug: parsed } : {};
}

/** `/amos export` arguments: an optional slug and an optional format (default jsonl), any order. */
export function parseExportArgs(args: string): { slug?: string; format: ExportFormat } {
  const usage = 'export [slug|workspace] [jsonl|csv]';
  let chosen: ExportFormat | undefined;
  let named: string | undefined;
  for (const token of tokens(args)) {
    const asFormat = format.safeParse(token);
    if (asFormat.success && !chosen) chosen = asFormat.data;
    else if (named === undefined) named = parseSlug(token, usage);
    else invalid(`I don't know what \`${token}\` means here. Usage: \`${COMMAND} ${usage}\`.`);
  }
  return { ...(named ? { slug: named } : {}), format: chosen ?? 'jsonl' };
}
