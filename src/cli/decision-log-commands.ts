import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import type { Db } from '../db/database.js';
import {
  type ChainAnchor,
  formatAnchorLine,
  parseAnchors,
} from '../domain/decision-record-anchor.js';
import {
  chainReportLine,
  EXPORT_FORMATS,
  isExportFormat,
  verifySummaryLine,
} from '../domain/decision-record-format.js';
import { isDomainRefusal } from '../domain/errors.js';
import { openDatabase } from '../main.js';
import { chainAnchors, exportEngagementLog, verifyLog } from '../services/decision-log-service.js';

// `npx amos verify-log` and `npx amos export`: operator tools over the database alone (no Slack
// settings). Results go to stdout, everything else to stderr, so `> file` captures just the data.

/** The usage lines of the two commands, for the CLI's help text. */
export const DECISION_LOG_USAGE = [
  '  verify-log [--engagement SLUG] [--team TEAM_ID] [--anchors FILE]',
  '                        check every decision-record hash chain; exit 1 naming the first',
  '                        broken record of any chain that was altered, or (with --anchors)',
  '                        that no longer reaches a head recorded by `amos anchors`',
  '  anchors [--engagement SLUG] [--team TEAM_ID]',
  "                        print every chain's head (seq and hash) as JSON Lines, to keep",
  '                        outside the database for verify-log --anchors',
  '  export --engagement SLUG [--format jsonl|csv] [--team TEAM_ID]',
  '                        write one engagement\'s decision record to stdout (SLUG "workspace":',
  '                        role grants, partners and fit verdicts of a workspace)',
].join('\n');

export interface Output {
  write(text: string, done: (error?: Error | null) => void): boolean;
}

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
}

/** Writes and waits until the text is handed to the OS, so exiting right after loses nothing. */
function print(out: Output, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

const OPTIONS = {
  engagement: { type: 'string' },
  team: { type: 'string' },
  format: { type: 'string' },
  anchors: { type: 'string' },
} as const;

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }).values;
}

/** Opens the configured (or embedded) database for one command and always closes it. */
async function withDatabase<T>(
  env: Record<string, string | undefined>,
  work: (db: Db) => Promise<T>,
): Promise<T> {
  const config = loadConfig(env);
  // Logs go to stderr: stdout carries the export.
  const logger = pino({ level: config.logLevel, base: { service: 'amos' } }, pino.destination(2));
  const { db, embedded } = await openDatabase(config, logger);
  try {
    return await work(db);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

/** A known failure as one line for the operator and exit code 1, or undefined to rethrow. */
async function explain(io: CliIo, error: unknown): Promise<number | undefined> {
  if (isDomainRefusal(error)) {
    await print(io.stderr, `${error.refusal.message.replaceAll('`', '')}\n`);
    return 1;
  }
  if ((error as { code?: unknown } | undefined)?.code === '42P01') {
    await print(io.stderr, 'This database has no AMOS tables yet: run `npx amos migrate` first.\n');
    return 1;
  }
  return undefined;
}

async function usageError(io: CliIo, error: unknown): Promise<number> {
  const message = error instanceof Error ? error.message : String(error);
  await print(io.stderr, `${message}\n\nUsage:\n${DECISION_LOG_USAGE}\n`);
  return 2;
}

/**
 * `amos verify-log`: one line per chain (OK n records, or BROKEN at seq n: reason) and a
 * summary; resolves to exit code 0 when every chain verifies, 1 when any is broken.
 */
export async function verifyLogCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliIo = process,
): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(args);
    if (values.format) throw new Error('verify-log takes no --format.');
  } catch (error) {
    return usageError(io, error);
  }
  let anchors: readonly ChainAnchor[] | undefined;
  if (values.anchors !== undefined) {
    const read = await readAnchors(io, values.anchors);
    if (typeof read === 'number') return read;
    anchors = read;
  }
  try {
    const checks = await withDatabase(env, (db) =>
      verifyLog(db, {
        ...(values.team ? { teamId: values.team } : {}),
        ...(values.engagement ? { engagementSlug: values.engagement } : {}),
        ...(anchors ? { anchors } : {}),
      }),
    );
    const lines = [...checks.map(chainReportLine), verifySummaryLine(checks)];
    await print(io.stdout, `${lines.join('\n')}\n`);
    return checks.every((c) => c.verification.ok) ? 0 : 1;
  } catch (error) {
    const code = await explain(io, error);
    if (code === undefined) throw error;
    return code;
  }
}

/**
 * `amos export --engagement SLUG --format jsonl|csv [--team T]`: the chain to stdout, a note of
 * what was written to stderr; exit 1 when the slug is unknown or found in several workspaces.
 */
export async function exportCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliIo = process,
): Promise<number> {
  let values: ReturnType<typeof parse>;
  let format: (typeof EXPORT_FORMATS)[number];
  try {
    values = parse(args);
    if (!values.engagement) throw new Error('export needs --engagement SLUG.');
    const requested = (values.format ?? 'jsonl').toLowerCase();
    if (!isExportFormat(requested)) {
      throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${requested}".`);
    }
    format = requested;
  } catch (error) {
    return usageError(io, error);
  }
  const engagementSlug = values.engagement;
  try {
    const file = await withDatabase(env, (db) =>
      exportEngagementLog(db, {
        engagementSlug,
        format,
        ...(values.team ? { teamId: values.team } : {}),
      }),
    );
    await print(io.stdout, file.content);
    await print(
      io.stderr,
      `Exported ${file.count} ${file.count === 1 ? 'record' : 'records'} of ${file.engagement} as ${format}.\n`,
    );
    return 0;
  } catch (error) {
    const code = await explain(io, error);
    if (code === undefined) throw error;
    return code;
  }
}

/** The anchors in FILE, or exit code 2 after saying why the file cannot be used. */
async function readAnchors(io: CliIo, file: string): Promise<readonly ChainAnchor[] | number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    await print(io.stderr, `Cannot read the anchors file ${file} (${code}).\n`);
    return 2;
  }
  const { anchors, problems } = parseAnchors(text);
  if (problems.length > 0) {
    await print(
      io.stderr,
      `The anchors file ${file} is not as \`amos anchors\` writes it:\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  if (anchors.length === 0) {
    await print(io.stderr, `The anchors file ${file} holds no anchors.\n`);
    return 2;
  }
  return anchors;
}

/**
 * `amos anchors [--engagement SLUG] [--team T]`: one JSON Lines anchor per chain to stdout
 * (team, engagement, engagement_id, seq, hash, at), a count to stderr.
 */
export async function anchorsCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliIo = process,
): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(args);
    if (values.format || values.anchors) throw new Error('anchors takes no --format or --anchors.');
  } catch (error) {
    return usageError(io, error);
  }
  try {
    const anchors = await withDatabase(env, (db) =>
      chainAnchors(db, {
        ...(values.team ? { teamId: values.team } : {}),
        ...(values.engagement ? { engagementSlug: values.engagement } : {}),
      }),
    );
    await print(io.stdout, anchors.map(formatAnchorLine).join(''));
    await print(
      io.stderr,
      `${anchors.length} ${anchors.length === 1 ? 'chain head' : 'chain heads'}: keep them outside this database, then check with \`npx amos verify-log --anchors FILE\`.\n`,
    );
    return 0;
  } catch (error) {
    const code = await explain(io, error);
    if (code === undefined) throw error;
    return code;
  }
}
