import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, encryptionKeyWeakness, loadConfig, parseDuration } from '../src/config.js';

const http = { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-1' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('settings', () => {
  it('parses durations written as 90s, 15m, 4h, 3d', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('4h')).toBe(14_400_000);
    expect(parseDuration('3d')).toBe(259_200_000);
    for (const bad of ['4', 'h', '4x', '-1h', '0s', '1.5h', ''])
      expect(parseDuration(bad)).toBeUndefined();
  });

  it('applies the documented defaults', () => {
    const config = loadConfig(http);
    expect(config.slack).toMatchObject({ kind: 'http', apiUrl: 'https://slack.com/api/' });
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('./.amos');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.reminders).toEqual({
      after: 86_400_000,
      repeat: 86_400_000,
      dueSoon: 172_800_000,
    });
    expect(config.sla).toEqual({
      critical: 3_600_000,
      high: 14_400_000,
      medium: 86_400_000,
      low: 259_200_000,
    });
    expect(config.workingHours).toEqual({ startMinute: 540, endMinute: 1080 });
    expect(config.gatingMode).toBe('enforce');
    expect(config.reconcileEvery).toBe(900_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names each missing Slack setting with how to fix it', () => {
    const found = problems({});
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^SLACK_SIGNING_SECRET is missing: .*Signing Secret/);
    expect(found[1]).toMatch(/^SLACK_BOT_TOKEN is missing: .*xoxb-/);
  });

  it('reports every malformed value at once, one line each', () => {
    const found = problems({
      ...http,
      PORT: 'eighty',
      AMOS_SLA_HIGH: '4 hours',
      AMOS_GATING_MODE: 'strict',
      AMOS_WORKING_HOURS: '18:00-09:00',
      AMOS_ADMINS: 'U1,not-an-id',
      DATABASE_URL: 'mysql://x',
      SLACK_API_URL: 'nope',
    });
    expect(found.map((p) => p.split(' ')[0]).sort()).toEqual(
      [
        'AMOS_ADMINS',
        'AMOS_GATING_MODE',
        'AMOS_SLA_HIGH',
        'AMOS_WORKING_HOURS',
        'DATABASE_URL',
        'PORT',
        'SLACK_API_URL',
      ].sort(),
    );
    expect(found.find((p) => p.startsWith('AMOS_SLA_HIGH'))).toContain(
      '"4 hours" is not a duration',
    );
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set, and asks for the bot token with it', () => {
    expect(loadConfig({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1' }).slack.kind).toBe(
      'socket',
    );
    expect(problems({ SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN is missing: Socket Mode needs/),
    ]);
  });

  it('requires the whole OAuth set and an encryption key once any OAuth setting is present', () => {
    const found = problems({ SLACK_CLIENT_ID: '123.456', SLACK_SIGNING_SECRET: 's' });
    expect(found.map((p) => p.split(' ')[0])).toEqual([
      'SLACK_CLIENT_SECRET',
      'SLACK_STATE_SECRET',
      'AMOS_ENCRYPTION_KEY',
    ]);
  });

  it('reads AMOS_ADMINS as a list of user ids and trims the API URL', () => {
    const config = loadConfig({
      ...http,
      AMOS_ADMINS: 'U01, U02',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(config.admins).toEqual(['U01', 'U02']);
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
    expect(loadConfig({ ...http, AMOS_WORKING_HOURS: 'off' }).workingHours).toBe('off');
  });

  describe('the encryption key', () => {
    const oauth = {
      SLACK_CLIENT_ID: '123.456',
      SLACK_CLIENT_SECRET: 'client-secret',
      SLACK_STATE_SECRET: 'state-secret',
      SLACK_SIGNING_SECRET: 'signing-secret',
    };
    const strong = randomBytes(32).toString('hex');

    it.each([
      ['32 times a', 'a'.repeat(32), 'repeats a short pattern'],
      ['abc repeated', 'abc'.repeat(16), 'repeats a short pattern'],
      ['a block of 8 repeated', 'k3y!p4ss'.repeat(4), 'repeats a short pattern'],
      [
        'few distinct characters',
        'aabbaabbabababbbaaabbbabababab' + 'ba' + 'ab',
        'only 2 different',
      ],
      ['the alphabet', 'abcdefghijklmnopqrstuvwxyz0123456789', 'too predictable'],
      ['too short', 'Xq7#pL2v', 'too short'],
    ])('refuses %s, in one line saying what to use instead', (_, key, reason) => {
      const found = problems({ ...oauth, AMOS_ENCRYPTION_KEY: key });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^AMOS_ENCRYPTION_KEY is invalid: /);
      expect(found[0]).toContain(reason);
      expect(found[0]).toContain('openssl rand -hex 32');
      expect(found[0]).not.toContain('\n');
      expect(found[0]).not.toContain(key); // the key itself is never echoed
    });

    it('refuses a weak key whichever Slack mode is used', () => {
      expect(problems({ ...http, AMOS_ENCRYPTION_KEY: 'a'.repeat(40) })).toEqual([
        expect.stringMatching(/^AMOS_ENCRYPTION_KEY is invalid: repeats a short pattern/),
      ]);
    });

    it('accepts random keys of every usual shape', () => {
      for (let i = 0; i < 200; i++) {
        expect(encryptionKeyWeakness(randomBytes(16).toString('hex'))).toBeUndefined();
        expect(encryptionKeyWeakness(randomBytes(32).toString('hex'))).toBeUndefined();
        expect(encryptionKeyWeakness(randomBytes(32).toString('base64'))).toBeUndefined();
      }
      expect(encryptionKeyWeakness('correct-horse-battery-staple-of-2026')).toBeUndefined();
      const config = loadConfig({ ...oauth, AMOS_ENCRYPTION_KEY: strong });
      expect(config.slack).toMatchObject({ kind: 'oauth', encryptionKey: strong });
    });

    it('takes the previous key for rotation, even a weak one, but not the same key twice', () => {
      const config = loadConfig({
        ...oauth,
        AMOS_ENCRYPTION_KEY: strong,
        AMOS_ENCRYPTION_KEY_PREVIOUS: 'a'.repeat(32),
      });
      expect(config.slack).toMatchObject({ previousEncryptionKey: 'a'.repeat(32) });
      expect(
        problems({ ...oauth, AMOS_ENCRYPTION_KEY: strong, AMOS_ENCRYPTION_KEY_PREVIOUS: strong }),
      ).toEqual([
        expect.stringMatching(/^AMOS_ENCRYPTION_KEY_PREVIOUS is invalid: it is the same/),
      ]);
    });
  });
});
