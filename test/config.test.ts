import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../src/config.js';

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
});
