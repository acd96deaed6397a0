// The load generator, a process of its own (started by bench/run.ts): one case against one
// app, closed loop (autocannon, N connections for S seconds) or open loop (a pacer sending at a
// fixed rate whether or not answers came back). Every request is built and signed afresh.
// Input: the JSON in BENCH_LOAD; output: one JSON line on stdout.
//
// Why not autocannon's overallRate for the open loop: autocannon sends a request on a
// connection only once the previous one answered and limits each connection per second, so
// a slow server slows the sender down (closed loop again, and bursty at each second's start).
import http from 'node:http';
import autocannon from 'autocannon';
import { BASELINE, CASES, type CaseContext, isRefusal, signedHeaders } from './workspace.js';

interface LoadSpec {
  url: string;
  caseName: string;
  mode: 'closed' | 'paced';
  seconds: number;
  connections: number;
  rate: number;
  /** Index of the first request (cases continue across runs so decisions stay distinct). */
  offset: number;
  maxRequests: number;
  ctx: CaseContext;
}

export interface LoadResult {
  /** How many request indexes this run used (the next run of the case starts after them). */
  used: number;
  requests: number;
  ok: number;
  /**
   * Answered 2xx, but the answer in the ack says nothing was done: the database did not
   * answer in time ("nothing was changed, try again"), a replay ("Already handled"), an
   * unexpected failure, or a modal's inline errors. The rest of `ok` claims the work.
   */
  refused: number;
  failed: number;
  /** Open loop only: requests not sent because too many were outstanding. */
  dropped: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** CPU ms this load process used while sending (not its start-up). */
  cpuMs?: number;
}

const spec = JSON.parse(process.env.BENCH_LOAD ?? '{}') as LoadSpec;
const found = [BASELINE, ...CASES].find((c) => c.name === spec.caseName);
if (!found) throw new Error(`unknown case ${spec.caseName}`);
const benchCase = found;
const target = new URL(spec.url);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function summarise(
  used: number,
  latencies: number[],
  ok: number,
  refused: number,
  failed: number,
  dropped: number,
  seconds: number,
): LoadResult {
  latencies.sort((a, b) => a - b);
  const requests = ok + failed;
  return {
    used,
    requests,
    ok,
    refused,
    failed,
    dropped,
    seconds,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    p999: percentile(latencies, 99.9),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

async function closedLoop(): Promise<LoadResult> {
  let next = spec.offset;
  const latencies: number[] = [];
  let ok = 0;
  let refused = 0;
  let failed = 0;
  const started = performance.now();
  let finished: (result: autocannon.Result) => void = () => {};
  let broke: (error: Error) => void = () => {};
  const ended = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    broke = reject;
  });
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.seconds,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const built = benchCase.build(spec.ctx, next);
            next += 1;
            return { ...request, body: built.body, headers: signedHeaders(built) };
          },
          onResponse: (status: number, body: string) => {
            if (status >= 200 && status < 300 && isRefusal(body)) refused += 1;
          },
        },
      ],
    },
    (error, result) => (error ? broke(error) : finished(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (statusCode >= 200 && statusCode < 300) ok += 1;
    else failed += 1;
  });
  const result = await ended;
  failed += result.errors + result.timeouts;
  return summarise(
    next - spec.offset,
    latencies,
    ok,
    refused,
    failed,
    0,
    (performance.now() - started) / 1000,
  );
}

async function pacedLoop(): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const total = Math.min(spec.maxRequests, Math.round(spec.rate * spec.seconds));
  const interval = 1000 / spec.rate;
  const maxOutstanding = 2000;
  const latencies: number[] = [];
  let ok = 0;
  let refused = 0;
  let failed = 0;
  let dropped = 0;
  let outstanding = 0;
  let sent = 0;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      if (sent + dropped === total && outstanding === 0) resolve();
    };
    const send = (k: number, scheduled: number) => {
      const built = benchCase.build(spec.ctx, spec.offset + k);
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: 10_000,
          headers: { ...signedHeaders(built), 'content-length': Buffer.byteLength(built.body) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => {
            // From the moment it was due, not when it left: a late send counts as waiting.
            latencies.push(performance.now() - scheduled);
            if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
              ok += 1;
              if (isRefusal(body)) refused += 1;
            } else failed += 1;
            outstanding -= 1;
            finish();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        latencies.push(performance.now() - scheduled);
        failed += 1;
        outstanding -= 1;
        finish();
      });
      req.end(built.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent + dropped < total && started + (sent + dropped) * interval <= now) {
        const k = sent + dropped;
        if (outstanding >= maxOutstanding) {
          dropped += 1;
          continue;
        }
        outstanding += 1;
        sent += 1;
        send(k, started + k * interval);
      }
      if (sent + dropped < total)
        setTimeout(tick, Math.max(0, started + (sent + dropped) * interval - performance.now()));
      else finish();
    };
    tick();
  });
  await done;
  agent.destroy();
  return summarise(
    total,
    latencies,
    ok,
    refused,
    failed,
    dropped,
    (performance.now() - started) / 1000,
  );
}

// CPU of this process while it sends (its start-up, mostly tsx compiling, left out).
const cpuStart = process.cpuUsage();
const result = spec.mode === 'closed' ? await closedLoop() : await pacedLoop();
const cpu = process.cpuUsage(cpuStart);
result.cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
