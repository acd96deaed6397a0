import { z } from 'zod';

/** A duration written as `90s`, `15m`, `4h` or `3d` (or `500ms`), in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  const amount = Number(match[1]);
  return amount > 0 ? amount * unit : undefined;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text}" is not a duration: write a positive number followed by s, m, h or d (e.g. 90s, 15m, 4h, 3d)`,
        });
        return z.NEVER;
      }
      return ms;
    });

/** Shannon entropy, in bits, of a sequence of symbols taken as independent draws. */
function entropyBits(symbols: readonly (string | number)[]): number {
  const counts = new Map<string | number, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let perSymbol = 0;
  for (const count of counts.values()) {
    const p = count / symbols.length;
    perSymbol -= p * Math.log2(p);
  }
  return perSymbol * symbols.length;
}

/**
 * Why a key is obviously weak, or undefined. Estimated strength is the lower of the
 * characters' entropy and that of the steps between neighbours (which sees through runs such
 * as `abcdef…`); random keys clear it by far (`openssl rand -hex 16` estimates above 90 bits).
 */
export function encryptionKeyWeakness(key: string): string | undefined {
  const chars = [...key];
  if (chars.length < 32) return 'is too short';
  for (let period = 1; period <= chars.length / 2; period++) {
    if (chars.every((c, i) => i < period || c === chars[i - period]))
      return 'repeats a short pattern';
  }
  const distinct = new Set(chars).size;
  if (distinct < 8) return `uses only ${distinct} different characters`;
  const codes = chars.map((c) => c.codePointAt(0) ?? 0);
  const steps = codes.slice(1).map((c, i) => c - (codes[i] ?? 0));
  if (Math.min(entropyBits(chars), entropyBits(steps)) < 80)
    return 'is too predictable (runs or repeated characters)';
  return undefined;
}

const KEY_ADVICE =
  'use a random key of at least 32 characters, e.g. the output of `openssl rand -hex 32` (to replace a key in use, give the old one as AMOS_ENCRYPTION_KEY_PREVIOUS)';

const optionalText = z
  .string()
  .optional()
  .transform((text) => (text?.trim() ? text.trim() : undefined));

const workingHours = z
  .string()
  .default('09:00-18:00')
  .transform((text, ctx) => {
    if (text.trim() === 'off') return 'off' as const;
    const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a working-hours range: write HH:MM-HH:MM (e.g. 09:00-18:00) or off`,
      });
      return z.NEVER;
    }
    const start = Number(match[1]) * 60 + Number(match[2]);
    const end = Number(match[3]) * 60 + Number(match[4]);
    if (end <= start) {
      ctx.addIssue({ code: 'custom', message: `"${text}": the end must be after the start` });
      return z.NEVER;
    }
    return { startMinute: start, endMinute: end };
  });

const schema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((t) => t === undefined || t.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)',
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((t) => t === undefined || t.startsWith('xapp-'), {
    message:
      'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
  }),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText,
  SLACK_API_URL: z
    .url({ message: 'must be an http(s) URL such as https://slack.com/api/' })
    .default('https://slack.com/api/')
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  DATABASE_URL: optionalText.refine(
    (u) => u === undefined || /^postgres(ql)?:\/\//.test(u),
    'must be a PostgreSQL connection string such as postgres://user:pass@host:5432/amos',
  ),
  AMOS_DATA_DIR: z.string().default('./.amos'),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int()
    .min(0)
    .max(65535, 'must be a port number between 0 and 65535')
    .default(3000),
  AMOS_ADMINS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]+$/.test(id)), {
      message: 'must be comma-separated Slack user IDs such as U012ABCDEF,U034GHIJKL',
    }),
  AMOS_ENCRYPTION_KEY: optionalText.superRefine((key, ctx) => {
    const weakness = key === undefined ? undefined : encryptionKeyWeakness(key);
    if (weakness) ctx.addIssue({ code: 'custom', message: `${weakness}: ${KEY_ADVICE}` });
  }),
  // The key being replaced: only read, to re-encrypt, so a weak old key can be rotated away.
  AMOS_ENCRYPTION_KEY_PREVIOUS: optionalText,
  AMOS_REMINDER_AFTER: duration('24h'),
  AMOS_REMINDER_REPEAT: duration('24h'),
  AMOS_DUE_SOON: duration('48h'),
  AMOS_SLA_CRITICAL: duration('1h'),
  AMOS_SLA_HIGH: duration('4h'),
  AMOS_SLA_MEDIUM: duration('1d'),
  AMOS_SLA_LOW: duration('3d'),
  AMOS_WORKING_HOURS: workingHours,
  AMOS_GATING_MODE: z
    .enum(['enforce', 'warn'], { message: 'must be enforce or warn' })
    .default('enforce'),
  AMOS_RECONCILE_EVERY: duration('15m'),
  AMOS_SCHEDULER_EVERY: duration('30s').refine((ms) => ms >= 1000, 'must be at least 1s'),
  AMOS_CLOCK_FILE: optionalText,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  AMOS_SLACK_TIMEOUT: duration('10s'),
  AMOS_JOB_RETRY_DELAY: duration('5s'),
  AMOS_JOB_ATTEMPTS: z.coerce
    .number({ message: 'must be a whole number' })
    .int()
    .min(1, 'must be at least 1')
    .max(50, 'must be at most 50')
    .default(5),
  AMOS_JOB_EXPIRE: duration('5m'),
  AMOS_JOB_POLL: duration('2s').refine((ms) => ms >= 500, 'must be at least 500ms'),
  AMOS_HOME_DEBOUNCE: duration('2s'),
});

type SlackEnv = Partial<
  Record<
    | 'SLACK_BOT_TOKEN'
    | 'SLACK_SIGNING_SECRET'
    | 'SLACK_APP_TOKEN'
    | 'SLACK_CLIENT_ID'
    | 'SLACK_CLIENT_SECRET'
    | 'SLACK_STATE_SECRET'
    | 'AMOS_ENCRYPTION_KEY',
    string
  >
>;

export type SlackMode =
  | { kind: 'http'; signingSecret: string; botToken: string }
  | { kind: 'socket'; appToken: string; botToken: string }
  | {
      kind: 'oauth';
      signingSecret: string;
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      encryptionKey: string;
      /** The key installations may still be encrypted with; re-encrypted on start. */
      previousEncryptionKey: string | undefined;
    };

export interface Config {
  readonly slack: Readonly<SlackMode> & { readonly apiUrl: string };
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly admins: readonly string[];
  readonly encryptionKey: string | undefined;
  readonly reminders: { readonly after: number; readonly repeat: number; readonly dueSoon: number };
  readonly sla: {
    readonly critical: number;
    readonly high: number;
    readonly medium: number;
    readonly low: number;
  };
  readonly workingHours: 'off' | { readonly startMinute: number; readonly endMinute: number };
  readonly gatingMode: 'enforce' | 'warn';
  readonly reconcileEvery: number;
  /** How often a worker process's scheduler looks for due reminders (AMOS_SCHEDULER_EVERY). */
  readonly schedulerEvery: number;
  /** Tests only: a file holding the ISO time the app takes as now (AMOS_CLOCK_FILE). */
  readonly clockFile: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Follow-up jobs (src/jobs/): Slack call timeout, retry backoff and bound, polling. */
  readonly jobs: {
    readonly slackTimeoutMs: number;
    /** First retry delay of a failed Slack call; doubles each attempt. */
    readonly retryDelayMs: number;
    /** Attempts of a 5xx or timed-out call before it is recorded as `slack.error`. */
    readonly attempts: number;
    /** A job running longer than this is presumed dead (its process crashed) and run again. */
    readonly expireMs: number;
    readonly pollMs: number;
    /** App Home publishing waits this long so a burst of changes gives one publish. */
    readonly homeDebounceMs: number;
  };
}

/** The app refuses to start for a reason found after the settings were read: one line. */
export class StartupRefusal extends Error {}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Which Slack settings are needed, decided from which ones are present. */
function slackMode(env: SlackEnv, problems: string[]): SlackMode | undefined {
  const missing = (name: string, why: string) => problems.push(`${name} is missing: ${why}`);
  const oauthAny = env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET || env.SLACK_STATE_SECRET;
  if (oauthAny) {
    const before = problems.length;
    if (!env.SLACK_CLIENT_ID)
      missing(
        'SLACK_CLIENT_ID',
        'set it to the Client ID (Basic Information → App Credentials) for OAuth installs',
      );
    if (!env.SLACK_CLIENT_SECRET)
      missing(
        'SLACK_CLIENT_SECRET',
        'set it to the Client Secret (Basic Information → App Credentials) for OAuth installs',
      );
    if (!env.SLACK_STATE_SECRET)
      missing(
        'SLACK_STATE_SECRET',
        'set it to a long random string (e.g. `openssl rand -hex 32`) that signs OAuth state',
      );
    if (!env.AMOS_ENCRYPTION_KEY)
      missing(
        'AMOS_ENCRYPTION_KEY',
        'OAuth installs store bot tokens encrypted: set it to a random key of at least 32 characters (`openssl rand -hex 32`)',
      );
    if (!env.SLACK_SIGNING_SECRET)
      missing(
        'SLACK_SIGNING_SECRET',
        'set it to the Signing Secret (Basic Information → App Credentials)',
      );
    if (problems.length > before) return undefined;
    return {
      kind: 'oauth',
      signingSecret: env.SLACK_SIGNING_SECRET!,
      clientId: env.SLACK_CLIENT_ID!,
      clientSecret: env.SLACK_CLIENT_SECRET!,
      stateSecret: env.SLACK_STATE_SECRET!,
      encryptionKey: env.AMOS_ENCRYPTION_KEY!,
      previousEncryptionKey: undefined,
    };
  }
  if (env.SLACK_APP_TOKEN) {
    if (!env.SLACK_BOT_TOKEN) {
      missing(
        'SLACK_BOT_TOKEN',
        'Socket Mode needs the Bot User OAuth Token (OAuth & Permissions, starts with xoxb-)',
      );
      return undefined;
    }
    return { kind: 'socket', appToken: env.SLACK_APP_TOKEN, botToken: env.SLACK_BOT_TOKEN };
  }
  const before = problems.length;
  if (!env.SLACK_SIGNING_SECRET) {
    missing(
      'SLACK_SIGNING_SECRET',
      'set it to the Signing Secret (Basic Information → App Credentials), or set SLACK_APP_TOKEN to use Socket Mode instead',
    );
  }
  if (!env.SLACK_BOT_TOKEN) {
    missing(
      'SLACK_BOT_TOKEN',
      'set it to the Bot User OAuth Token (OAuth & Permissions, starts with xoxb-), or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth installs',
    );
  }
  if (problems.length > before) return undefined;
  return { kind: 'http', signingSecret: env.SLACK_SIGNING_SECRET!, botToken: env.SLACK_BOT_TOKEN! };
}

/** Parses every setting once; throws ConfigError listing every problem, one line each. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(source);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'settings');
      const value = source[name];
      problems.push(
        value === undefined || value === ''
          ? `${name} is missing: ${issue.message}`
          : `${name} is invalid: ${issue.message}`,
      );
    }
  }
  const present = (name: keyof SlackEnv) => source[name]?.trim() || undefined;
  const mode = slackMode(
    Object.fromEntries(
      (
        [
          'SLACK_BOT_TOKEN',
          'SLACK_SIGNING_SECRET',
          'SLACK_APP_TOKEN',
          'SLACK_CLIENT_ID',
          'SLACK_CLIENT_SECRET',
          'SLACK_STATE_SECRET',
          'AMOS_ENCRYPTION_KEY',
        ] as const
      ).map((name) => [name, present(name)]),
    ),
    problems,
  );
  const previous = source.AMOS_ENCRYPTION_KEY_PREVIOUS?.trim() || undefined;
  if (previous && previous === present('AMOS_ENCRYPTION_KEY'))
    problems.push(
      'AMOS_ENCRYPTION_KEY_PREVIOUS is invalid: it is the same as AMOS_ENCRYPTION_KEY; give the old key, or remove it',
    );
  if (!parsed.success || !mode || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  return Object.freeze({
    slack: Object.freeze({
      ...mode,
      ...(mode.kind === 'oauth' ? { previousEncryptionKey: previous } : {}),
      apiUrl: env.SLACK_API_URL,
    }),
    databaseUrl: env.DATABASE_URL,
    dataDir: env.AMOS_DATA_DIR,
    port: env.PORT,
    admins: Object.freeze(env.AMOS_ADMINS),
    encryptionKey: env.AMOS_ENCRYPTION_KEY,
    reminders: {
      after: env.AMOS_REMINDER_AFTER,
      repeat: env.AMOS_REMINDER_REPEAT,
      dueSoon: env.AMOS_DUE_SOON,
    },
    sla: {
      critical: env.AMOS_SLA_CRITICAL,
      high: env.AMOS_SLA_HIGH,
      medium: env.AMOS_SLA_MEDIUM,
      low: env.AMOS_SLA_LOW,
    },
    workingHours: env.AMOS_WORKING_HOURS,
    gatingMode: env.AMOS_GATING_MODE,
    reconcileEvery: env.AMOS_RECONCILE_EVERY,
    schedulerEvery: env.AMOS_SCHEDULER_EVERY,
    clockFile: env.AMOS_CLOCK_FILE,
    logLevel: env.LOG_LEVEL,
    jobs: Object.freeze({
      slackTimeoutMs: env.AMOS_SLACK_TIMEOUT,
      retryDelayMs: env.AMOS_JOB_RETRY_DELAY,
      attempts: env.AMOS_JOB_ATTEMPTS,
      expireMs: env.AMOS_JOB_EXPIRE,
      pollMs: env.AMOS_JOB_POLL,
      homeDebounceMs: env.AMOS_HOME_DEBOUNCE,
    }),
  });
}
