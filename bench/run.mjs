// `npm run bench [-- PART…]`: the benchmarks of issue 7, parts 1–5, issue 14's flood, issue 16's store and issue 17's engines and metrics.
//   fanout    SSE fan-out latency, CPU and memory vs polling /pull/status
//   truth     shown percent vs bytes the proxy delivered, podman and dockerd
//   overhead  a real pull through slotpull vs the engine's CLI
//   listing   GET /api/slots with 100 slots: latency and engine requests
//   elements  bundle size; 100 pull bars in Chromium: main-thread busy, long tasks, fps
//   flood     200 sockets pipelining requests and never reading: RSS, health latency, recovery
//   store     the pull store (issue 16): cost per finished pull, start with 10,000 jobs, a history page
//   engines   20 engines × 50 slots: cold and warm listing, engine requests per 2 s, one engine hanging
//   metrics   GET /metrics with 50 slots pulling, and the HTTP counter's cost per request
// Prints the figures, writes bench/results/<date>.json (parts of the same
// day merged, the newest run of each part kept) and regenerates the tables
// in docs/benchmarks.md. A missed target is a result, not a failure: the exit
// code is 1 only when a part could not run.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, ROOT, load, log, machine } from './lib/common.mjs';
import { stopEnv } from './lib/engine-env.mjs';
import { elementsTables, enginesTables, fanoutTables, floodTables, listingTables, overheadTables, regenerate, summaryTable, truthTables } from './lib/report.mjs';
import { metricsTables } from './metrics.mjs';
import { storeTables } from './store.mjs';

const PARTS = {
  fanout: { run: async () => (await import('./fanout.mjs')).runFanout(), table: fanoutTables },
  truth: { run: async () => (await import('./truth.mjs')).runTruth(), table: truthTables },
  overhead: { run: async () => (await import('./overhead.mjs')).runOverhead(), table: overheadTables },
  listing: { run: async () => (await import('./listing.mjs')).runListing(), table: listingTables },
  elements: { run: async () => (await import('./elements.mjs')).runElements(), table: elementsTables },
  flood: { run: async () => (await import('./flood.mjs')).runFlood(), table: floodTables },
  store: { run: async () => (await import('./store.mjs')).runStore(), table: storeTables },
  engines: { run: async () => (await import('./engines.mjs')).runEngines(), table: enginesTables },
  metrics: { run: async () => (await import('./metrics.mjs')).runMetrics(), table: metricsTables },
};

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`usage: npm run bench [-- ${Object.keys(PARTS).join('|')} …]   (default: all parts)\n       npm run bench -- --report   (only regenerate docs/benchmarks.md from the newest bench/results file)\n`);
  process.exit(0);
}
if (args.includes('--report')) {
  const dir = join(BENCH_DIR, 'results');
  const newest = existsSync(dir) ? readdirSync(dir).filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name)).sort().at(-1) : undefined;
  if (newest === undefined) {
    process.stderr.write('bench: no results in bench/results yet; run `npm run bench` first\n');
    process.exit(2);
  }
  const saved = JSON.parse(readFileSync(join(dir, newest), 'utf8'));
  const sections = { summary: summaryTable(saved) };
  for (const [name, part] of Object.entries(saved.parts)) {
    if (name in PARTS && !part.error) sections[name] = PARTS[name].table(part, { ...saved, machine: part.machine ?? saved.machine });
  }
  regenerate(join(ROOT, 'docs', 'benchmarks.md'), sections);
  process.stdout.write(`docs/benchmarks.md regenerated from bench/results/${newest} (${Object.keys(sections).join(', ')})\n`);
  process.exit(0);
}
const unknown = args.filter((arg) => !(arg in PARTS));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown part ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}\n`);
  process.exit(2);
}
const chosen = args.length > 0 ? Object.keys(PARTS).filter((name) => args.includes(name)) : Object.keys(PARTS);

// Ctrl-C or SIGTERM: exit at once; the 'exit' hooks stop the engine env (by
// PID, synchronously), the forked processes and remove the temp dirs.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const started = new Date();
const results = { machine: machine(), started_at: started.toISOString(), load_start: load(), parts: {} };
log(`${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node}, load average ${results.load_start.join(' / ')}; parts: ${chosen.join(', ')}`);

let failed = false;
try {
  for (const name of chosen) {
    const t0 = performance.now();
    try {
      const part = await PARTS[name].run();
      results.parts[name] = { ...part, seconds: Math.round((performance.now() - t0) / 1000), finished_at: new Date().toISOString() };
    } catch (error) {
      failed = true;
      log(`${name} failed: ${error instanceof Error ? error.stack : error}`);
      results.parts[name] = { error: error instanceof Error ? error.message : String(error), finished_at: new Date().toISOString() };
    }
    log(`${name}: ${Math.round((performance.now() - t0) / 1000)} s`);
  }
} finally {
  await stopEnv();
}
results.load_end = load();
results.seconds = Math.round((Date.now() - started.getTime()) / 1000);

// bench/results/<date>.json: today's file keeps the newest run of every part,
// carried over from the newest earlier file for parts not run today.
const resultsDir = join(BENCH_DIR, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${started.toISOString().slice(0, 10)}.json`);
const newestEarlier = readdirSync(resultsDir).filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name)).sort().at(-1);
const previous = newestEarlier === undefined ? { parts: {} } : JSON.parse(readFileSync(join(resultsDir, newestEarlier), 'utf8'));
const merged = { ...results, parts: { ...previous.parts } };
for (const [name, part] of Object.entries(results.parts)) {
  // A failed part does not replace a good earlier result of the same day.
  if (!part.error || !merged.parts[name] || merged.parts[name].error) merged.parts[name] = { ...part, machine: results.machine };
}
writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);

const sections = { summary: summaryTable(merged) };
for (const name of chosen) {
  const part = merged.parts[name];
  if (part && !part.error) sections[name] = PARTS[name].table(part, { ...merged, machine: part.machine ?? merged.machine });
}
regenerate(join(ROOT, 'docs', 'benchmarks.md'), sections);

process.stdout.write(`\n${summaryTable(merged)}\n\n`);
for (const name of chosen) if (sections[name]) process.stdout.write(`## ${name}\n\n${sections[name]}\n\n`);
process.stdout.write(`results: ${file}\ndocs: ${join(ROOT, 'docs', 'benchmarks.md')} (${Object.keys(sections).join(', ')} regenerated)\ntotal: ${results.seconds} s\n`);
process.exitCode = failed ? 1 : 0;
