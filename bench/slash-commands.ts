// Throughput and latency of slash commands through the real Bolt receiver, over HTTP on
// 127.0.0.1, against the fake Slack Web API and embedded PostgreSQL (or DATABASE_URL).
// Run: npx tsx bench/slash-commands.ts [requests=2000] [concurrency=20]
// Bounded: it sends exactly `requests` per scenario, then stops everything it started.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createLogger } from '../src/logger.js';
import { startApp } from '../src/main.js';
import { startFakeSlack } from '../src/sandbox/fake-slack.js';
import { formBody, postSigned } from '../src/sandbox/signed-request.js';

const REQUESTS = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 20);
const SECRET = 'bench-signing-secret';
const TEAM = {
  id: 'T0BENCH',
  name: 'Bench',
  botToken: 'xoxb-bench',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function scenario(
  name: string,
  url: string,
  text: string,
  fake: { createResponseUrl(): string },
) {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      next += 1;
      const body = formBody({
        team_id: TEAM.id,
        channel_id: 'C0GENERAL',
        user_id: 'U0ADMIN',
        command: '/amos',
        text,
        response_url: fake.createResponseUrl(),
        trigger_id: 'bench.trigger',
      });
      const t = performance.now();
      const res = await postSigned(url, body, 'application/x-www-form-urlencoded', {
        signingSecret: SECRET,
      });
      latencies.push(performance.now() - t);
      if (res.status !== 200) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(28)} ${(REQUESTS / seconds).toFixed(0).padStart(6)} req/s  p50 ${percentile(latencies, 50).toFixed(1)} ms  p95 ${percentile(latencies, 95).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  failures ${failures}`,
  );
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'amos-bench-'));
await chmod(dataDir, 0o755);
const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({ dataDir, persistent: false });
const fake = await startFakeSlack();
fake.addTeam(TEAM);
const app = await startApp({
  env: {
    SLACK_API_URL: fake.apiUrl,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: TEAM.botToken,
    DATABASE_URL: process.env.DATABASE_URL ?? embedded?.url,
    AMOS_ADMINS: 'U0ADMIN',
    PORT: '0',
  },
  logger: createLogger('error'),
});
try {
  const url = `http://127.0.0.1:${app.port}/slack/events`;
  console.log(
    `${REQUESTS} requests per scenario, concurrency ${CONCURRENCY}, node ${process.version}`,
  );
  await scenario('warm-up', url, 'help', fake);
  await scenario('/amos help (no database)', url, 'help', fake);
  await scenario('/amos status (database reads)', url, 'status', fake);
  await scenario('/amos role list (database reads)', url, 'role list', fake);
  // Replies sent through response_url after the ack may still be in flight: let them land.
  let seen = -1;
  while (seen !== fake.allResponses().length) {
    seen = fake.allResponses().length;
    await new Promise((r) => setTimeout(r, 250));
  }
} finally {
  await app.stop();
  await fake.stop();
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
