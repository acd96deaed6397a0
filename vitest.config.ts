import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Slack stands in over HTTP on 127.0.0.1; a stray request to slack.com would hang.
    env: { SLACK_API_URL: 'http://127.0.0.1:9/api/' },
  },
});
