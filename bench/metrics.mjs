// Part 9, metrics (issue 17): what GET /metrics costs. Run alone with
// `npm run bench -- metrics` (Node only, no engine, about 20 seconds).
//   - one scrape (app.fetch of GET /metrics, in process: the server's own
//     cost) with 50 slots, each pulling a different image: all 50 running
//     (--max-pulls 50, the most work a scrape does: every running pull's
//     bytes are read), and the default 3 running with 47 queued;
//   - the HTTP counter's cost per request: a bare Hono app and the same app
//     behind the metrics middleware (route table of the real OpenAPI
//     document, the counter and the histogram), in alternating rounds, for a
//     path the table finds third and one it does not find at all (the whole
//     table is tried).
import { randomUUID } from 'node:crypto';
import { log, load, median, percentile, round, server, sortNumbers } from './lib/common.mjs';

export const METRICS_DEFAULTS = {
  slots: 50,
  scrapes: 500,
  /** Requests per round and per app; rounds alternate bare and metered. */
  requests: 5000,
  rounds: 8,
};

const LAYERS = 4;
const LAYER_BYTES = 1_500_000_000;

export async function runMetrics(overrides = {}) {
  const p = { ...METRICS_DEFAULTS, ...overrides };
  const loadStart = load();
  const scrape = [];
  for (const maxConcurrentPulls of [p.slots, 3]) {
    log(`metrics: ${p.scrapes} scrapes, ${p.slots} slots pulling, --max-pulls ${maxConcurrentPulls}`);
    scrape.push(await scrapeCost(p, maxConcurrentPulls));
  }
  log(`metrics: the HTTP counter, ${p.rounds} rounds of ${p.requests} requests per app and path`);
  const http = await httpCounterCost(p);
  return { parameters: p, load: { start: loadStart, end: load() }, scrape, http };
}

/** A FAKE runtime for the bench: each pull sends a few layers' progress and then holds until it is cancelled. */
async function heldRuntime() {
  const { PushQueue } = await server('core/push-queue.js');
  return {
    name: 'docker',
    inspectImage: async () => 'missing',
    containerStates: async (names) => new Map(names.map((name) => [name, { status: 'absent', error: null }])),
    pullImage(_image, signal) {
      const chunks = new PushQueue();
      for (let layer = 0; layer < LAYERS; layer++) {
        const id = `layer${String(layer).padStart(7, '0')}`;
        chunks.push(`${JSON.stringify({ status: 'Downloading', progressDetail: { current: LAYER_BYTES / 3, total: LAYER_BYTES }, id })}\n`);
      }
      signal.addEventListener('abort', () => chunks.end(), { once: true });
      return { format: 'engine-json', chunks };
    },
  };
}

async function scrapeCost(p, maxConcurrentPulls) {
  const { createSlotpull } = await server('http/app.js');
  const { validateSlotsFile } = await server('config/schema.js');
  const { systemClock } = await server('runtimes/system-clock.js');
  const names = Array.from({ length: p.slots }, (_, i) => `slot-${i}`);
  const config = validateSlotsFile({ slots: names.map((name) => ({ name, provider: 'container', image: `bench.invalid/${name}:1` })) }, 'bench');
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const slotpull = createSlotpull({
    slots: config.slots,
    runtime: await heldRuntime(),
    clock: systemClock,
    newJobId: () => `p_${randomUUID().replaceAll('-', '')}`,
    version: 'bench',
    maxConcurrentPulls,
  });
  try {
    const request = (path, init) => slotpull.app.fetch(new Request(`http://127.0.0.1${path}`, init));
    for (const name of names) await request(`/api/slots/${name}/pull`, { method: 'POST' });
    // The pull loops take their layers' lines.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const first = await (await request('/metrics')).text();
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < p.scrapes; i++) {
      const t0 = performance.now();
      const text = await (await request('/metrics')).text();
      ms.push(performance.now() - t0);
      bytes = text.length;
    }
    const sorted = sortNumbers(ms);
    return {
      max_concurrent_pulls: maxConcurrentPulls,
      running: slotpull.registry.runningPulls,
      queued: slotpull.registry.queuedPulls,
      samples: first.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length,
      bytes,
      ms: { median: round(median(ms), 3), p99: round(percentile(sorted, 99), 3), max: round(sorted.at(-1), 3) },
    };
  } finally {
    slotpull.close();
  }
}

async function httpCounterCost(p) {
  const { Hono } = await import('hono');
  const { Registry } = await import('prom-client');
  const { httpMetrics } = await server('http/metrics/http-metrics.js');
  const { routeTable } = await server('http/route-table.js');
  const { openApiDocument } = await server('http/openapi.js');
  const build = (metered) => {
    const app = new Hono();
    if (metered) app.use('*', httpMetrics({ registry: new Registry(), routes: routeTable({ openApi: openApiDocument('bench'), pages: { '/': ['GET'], '/metrics': ['GET'] } }) }));
    app.get('/api/slots/:name', (c) => c.json({ name: c.req.param('name') }));
    app.notFound((c) => c.json({ error: 'none' }, 404));
    return app;
  };
  const apps = { bare: build(false), metered: build(true) };
  const paths = { 'GET /api/slots/{name}': '/api/slots/chat', 'GET unmatched (whole table tried)': '/no/such/route' };
  const rows = [];
  for (const [label, path] of Object.entries(paths)) {
    const perRequestUs = { bare: [], metered: [] };
    // A warm-up round of each, then alternating rounds so that load and JIT weigh on both alike.
    for (let pass = -1; pass < p.rounds; pass++) {
      for (const kind of ['bare', 'metered']) {
        const t0 = performance.now();
        for (let i = 0; i < p.requests; i++) await apps[kind].fetch(new Request(`http://127.0.0.1${path}`));
        if (pass >= 0) perRequestUs[kind].push(((performance.now() - t0) * 1000) / p.requests);
      }
    }
    const bare = median(perRequestUs.bare);
    const metered = median(perRequestUs.metered);
    rows.push({ request: label, bare_us: round(bare, 2), metered_us: round(metered, 2), overhead_us: round(metered - bare, 2) });
  }
  return rows;
}

export function metricsTables(part) {
  const lines = [
    `_Load ${part.load.start[0]}→${part.load.end[0]}; in process (app.fetch), no network; ${part.parameters.scrapes} scrapes each._`,
    '',
    `| GET /metrics, ${part.parameters.slots} slots pulling | running / queued | samples | bytes | median | p99 | max |`,
    '|---|---|---|---|---|---|---|',
    ...part.scrape.map((row) => `| --max-pulls ${row.max_concurrent_pulls} | ${row.running} / ${row.queued} | ${row.samples} | ${row.bytes} | ${row.ms.median} ms | ${row.ms.p99} ms | ${row.ms.max} ms |`),
    '',
    `| the HTTP counter, per request (median of ${part.parameters.rounds} rounds of ${part.parameters.requests}) | bare Hono app | with the metrics middleware | overhead |`,
    '|---|---|---|---|',
    ...part.http.map((row) => `| ${row.request} | ${row.bare_us} µs | ${row.metered_us} µs | ${row.overhead_us} µs |`),
  ];
  return lines.join('\n');
}
