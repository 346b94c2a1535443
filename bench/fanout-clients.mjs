// The client side of the fan-out benchmark, run as its own process (forked by
// fanout.mjs): N SSE readers (node:http + eventsource-parser, the parser the
// tests use) or N pollers of /pull/status, all on loopback. Each records, per
// frame or answer, the snapshot's bytes_done (= the emit time of the newest
// event it reflects, see lib/synthetic-runtime.mjs) and its receipt time on
// the same monotonic clock.
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { serveCommands } from './lib/child.mjs';
import { monoUs, sleep } from './lib/common.mjs';

/** Connections opened at once while ramping up (the listen backlog is 511). */
const RAMP_CONCURRENCY = 100;
const CONNECT_TIMEOUT_MS = 30_000;

/** @type {Array<{ records: number[], close(): void }>} records: flat [bytes_done, receiptUs, …] */
let clients = [];
let errors = [];

function noteError(error) {
  if (errors.length < 20) errors.push(error instanceof Error ? error.message : String(error));
}

/** One SSE reader; resolves once its first frame (the current snapshot) arrived. */
function sseClient(url) {
  const records = [];
  let request;
  let closed = false;
  const ready = new Promise((resolve, reject) => {
    const parser = createParser({
      onEvent(event) {
        const receipt = monoUs();
        const bytes = JSON.parse(event.data).bytes_done;
        if (typeof bytes === 'number') records.push(bytes, receipt);
        resolve();
      },
    });
    request = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`SSE answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (text) => parser.feed(text));
      res.on('error', (error) => closed || noteError(error));
      res.on('end', () => closed || noteError(new Error('the server ended an SSE stream')));
    });
    request.on('error', (error) => {
      if (!closed) noteError(error);
      reject(error);
    });
  });
  return { records, ready, close: () => { closed = true; request.destroy(); } };
}

/** One poller: GET every `intervalMs` from a random phase, over its own keep-alive connection. */
function pollClient(url, intervalMs) {
  const records = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let stopped = false;
  let current;
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  const once = () =>
    new Promise((resolve, reject) => {
      current = http.get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text) => (body += text));
        res.on('end', () => {
          const receipt = monoUs();
          if (res.statusCode !== 200) return reject(new Error(`status answered ${res.statusCode}`));
          const bytes = JSON.parse(body).bytes_done;
          if (typeof bytes === 'number') records.push(bytes, receipt);
          resolve();
        });
        res.on('error', reject);
      });
      current.on('error', reject);
    });
  (async () => {
    await sleep(Math.random() * intervalMs);
    let next = performance.now();
    while (!stopped) {
      try {
        await once();
      } catch (error) {
        if (!stopped) noteError(error);
      }
      markReady();
      next += intervalMs;
      // Behind schedule (a slow answer): the next poll goes at once, as a polling loop would.
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      else next = performance.now();
    }
  })();
  return { records, ready, close: () => { stopped = true; current?.destroy(); agent.destroy(); } };
}

async function rampUp(n, make) {
  const started = performance.now();
  for (let i = 0; i < n; i += RAMP_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(RAMP_CONCURRENCY, n - i) }, () => make());
    clients.push(...batch);
    await Promise.race([
      Promise.all(batch.map((client) => client.ready)),
      sleep(CONNECT_TIMEOUT_MS).then(() => { throw new Error(`clients not connected within ${CONNECT_TIMEOUT_MS} ms`); }),
    ]);
  }
  return { clients: clients.length, connectMs: Math.round(performance.now() - started) };
}

const commands = {
  /** This process's CPU so far (µs) and the time, to measure a window. */
  cpuMark: () => ({ ...process.cpuUsage(), at: monoUs() }),
  sse: ({ url, n }) => rampUp(n, () => sseClient(url)),
  poll: ({ url, n, intervalMs }) => rampUp(n, () => pollClient(url, intervalMs)),
  /** Per client, the records whose receipt falls in [from, to], as flat arrays. */
  collect({ from, to }) {
    const perClient = clients.map(({ records }) => {
      const out = [];
      for (let i = 0; i < records.length; i += 2) {
        if (records[i + 1] >= from && records[i + 1] <= to) out.push(records[i], records[i + 1]);
      }
      return out;
    });
    return { perClient, errors };
  },
  async stop() {
    for (const client of clients) client.close();
    const count = clients.length;
    clients = [];
    errors = [];
    await sleep(100);
    return { closed: count };
  },
};

serveCommands(commands, {});
