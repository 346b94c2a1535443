// Part 6, flood (issue 14): clients that pipeline requests and never read.
// The real Node entry (bin/slotpull.js on the demo runtime) in its own
// process; 200 sockets from another process, each writing 5,000 pipelined
// `GET /api/openapi.json` (285 kB) at once and reading nothing. Measured: the
// server's RSS (peak growth over its warmed-up baseline), the latency of
// `GET /api/health` from a third party during the flood (p50/p99, an answer
// that does not come within the timeout counts as the timeout), and after
// the sockets leave, how long until health answers within the target again
// and the RSS then.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { BENCH_DIR, ROOT, load, log, percentile, round, sleep, sortNumbers } from './lib/common.mjs';
import { startChild } from './lib/child.mjs';

export const FLOOD_DEFAULTS = {
  /** The server to flood, run from the repository root with `--port 0 --runtime demo` added: the built Node entry (another build's, or the Deno entry, compare). */
  command: [process.execPath, join(ROOT, 'bin', 'slotpull.js')],
  sockets: 200,
  requestsPerSocket: 5000,
  path: '/api/openapi.json',
  /** Health requests before the flood, for the baseline latency (and to warm the server up). */
  baselineRequests: 300,
  floodMs: 10_000,
  healthTimeoutMs: 5000,
  rssSampleMs: 100,
  /** After the sockets leave: polling health until it answers within the target, at most this long. */
  recoveryLimitMs: 60_000,
  target: { rss_growth_mb: 100, health_p99_ms: 100 },
};

export async function runFlood(overrides = {}) {
  const p = { ...FLOOD_DEFAULTS, ...overrides };
  const loadStart = load();
  const server = await startServer(p.command);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const health = (timeoutMs = p.healthTimeoutMs) => timedGet(agent, server.port, '/api/health', timeoutMs);
  let clients;
  try {
    for (let i = 0; i < p.baselineRequests; i += 1) await health();
    const baseline = [];
    for (let i = 0; i < p.baselineRequests; i += 1) baseline.push((await health()).ms);
    const rssBefore = rssMb(server.pid);
    log(`flood: baseline RSS ${rssBefore} MB, health p99 ${round(percentile(sortNumbers(baseline), 99), 2)} ms; ${p.sockets} sockets × ${p.requestsPerSocket} pipelined GET ${p.path}`);

    clients = await startChild(join(BENCH_DIR, 'flood-client.mjs'));
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.pid) ?? peakRss)), p.rssSampleMs);
    const logLinesBefore = server.lines().length;
    const floodStart = performance.now();
    const started = await clients.call('start', { port: server.port, sockets: p.sockets, requests: p.requestsPerSocket, path: p.path });
    const during = [];
    let unanswered = 0;
    while (performance.now() - floodStart < p.floodMs) {
      const answer = await health();
      during.push(answer.ms);
      if (!answer.ok) unanswered += 1;
    }
    const rssFlood = rssMb(server.pid);
    const leftAt = performance.now();
    await clients.call('leave');
    let recoveryMs = null;
    let firstAfterMs = null;
    while (performance.now() - leftAt < p.recoveryLimitMs) {
      const answer = await health(p.recoveryLimitMs);
      firstAfterMs ??= round(answer.ms, 1);
      if (answer.ok && answer.ms <= p.target.health_p99_ms) {
        recoveryMs = round(performance.now() - leftAt, 0);
        break;
      }
    }
    await sleep(2000);
    clearInterval(sampler);
    const rssAfter = rssMb(server.pid);
    const sortedDuring = sortNumbers(during);
    const sortedBaseline = sortNumbers(baseline);
    const result = {
      parameters: { sockets: p.sockets, requests_per_socket: p.requestsPerSocket, bytes_per_socket: started.bytes_per_socket, path: p.path, flood_ms: p.floodMs, health_timeout_ms: p.healthTimeoutMs, command: shown(p.command) },
      rss_mb: { before: rssBefore, peak: peakRss, at_end_of_flood: rssFlood, two_s_after_leaving: rssAfter, peak_growth: round(peakRss - rssBefore, 1) },
      health_ms: {
        baseline: { p50: round(percentile(sortedBaseline, 50), 2), p99: round(percentile(sortedBaseline, 99), 2) },
        during: { n: during.length, p50: round(percentile(sortedDuring, 50), 2), p99: round(percentile(sortedDuring, 99), 2), max: round(sortedDuring.at(-1), 1), unanswered },
        first_after_leaving: firstAfterMs,
      },
      recovery_ms: recoveryMs,
      server_log_lines_during_flood: server.lines().length - logLinesBefore,
      load: { start: loadStart, end: load() },
    };
    result.targets = {
      rss_growth: { target_mb: p.target.rss_growth_mb, value_mb: result.rss_mb.peak_growth, met: result.rss_mb.peak_growth < p.target.rss_growth_mb },
      health_p99: { target_ms: p.target.health_p99_ms, value_ms: result.health_ms.during.p99, met: unanswered === 0 && result.health_ms.during.p99 < p.target.health_p99_ms },
      recovery: { value_ms: recoveryMs, first_after_leaving_ms: firstAfterMs, met: recoveryMs !== null && firstAfterMs !== null && firstAfterMs <= p.target.health_p99_ms },
    };
    log(`flood: RSS +${result.rss_mb.peak_growth} MB at peak; health during p50 ${result.health_ms.during.p50} / p99 ${result.health_ms.during.p99} ms (${unanswered} unanswered); recovered in ${recoveryMs} ms`);
    return result;
  } finally {
    agent.destroy();
    await clients?.stop();
    await server.stop();
  }
}

/** A command as a person would type it in the repository: `node bin/slotpull.js`. */
function shown(command) {
  return command.map((arg) => (arg === process.execPath ? 'node' : arg.replace(`${ROOT}/`, ''))).join(' ');
}

/** The server on a free port, demo runtime; its stdout lines kept. Stopped by its PID. */
async function startServer([file, ...args]) {
  const child = spawn(file, [...args, '--port', '0', '--runtime', 'demo', '--state-dir', 'none'], {
    cwd: ROOT,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const lines = [];
  let carry = '';
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    exited.then((code) => reject(new Error(`${file} exited (${code}) before it listened`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      const parts = (carry + text).split('\n');
      carry = parts.pop();
      lines.push(...parts);
      const match = lines.map((line) => /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)).find(Boolean);
      if (match) resolve(Number(match[1]));
    });
  });
  return {
    pid: child.pid,
    port,
    lines: () => lines,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident memory of a process in MB (VmRSS), null once it is gone. */
function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return round(kb / 1024, 1);
  } catch {
    // The process has exited (the heap limit, or a crash): no figure.
    return null;
  }
}

/** One GET; `ok` false when it did not answer 200 within `timeoutMs` (then `ms` is the time waited). */
function timedGet(agent, port, path, timeoutMs) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (ok) => resolve({ ok, ms: performance.now() - t0 });
    const request = http.get({ host: '127.0.0.1', port, path, agent, timeout: timeoutMs }, (response) => {
      response.resume();
      response.once('end', () => done(response.statusCode === 200));
      response.once('error', () => done(false));
    });
    request.once('timeout', () => {
      request.destroy();
      done(false);
    });
    request.once('error', () => done(false));
  });
}
