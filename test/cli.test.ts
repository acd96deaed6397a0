import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../bin/amos.js');

async function amos(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SLACK_') && !k.startsWith('AMOS_')),
  );
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...clean, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npx amos', () => {
  it('start without Slack settings says exactly which are missing, and exits 1', async () => {
    const result = await amos(['start']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AMOS cannot start');
    expect(result.stderr).toMatch(/- SLACK_SIGNING_SECRET is missing: /);
    expect(result.stderr).toMatch(/- SLACK_BOT_TOKEN is missing: /);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^No Slack workspace\? .*npm run sandbox/,
    );
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    const result = await amos(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('migrate');
  });
});
