// Part 3, overhead: a real pull of `big` (~200 MB, one layer) through slotpull
// (POST, then follow the SSE stream to `completed`) against the engine's own
// CLI (`podman pull` / `docker pull`, pointed at the same engine by tests/env's
// run()), same registry, unthrottled (straight from docker-registry on
// 127.0.0.1, no proxy), alternated ABBA, the image removed before every run.
// The headline is the median of the per-pair ratios (each pair: two adjacent
// runs, one a side), which a drifting machine load affects least; the ratio
// of the two medians is beside it.
import { load, log, median, ratio, round } from './lib/common.mjs';
import { countedEngine, engineEnv, slotpullServer, slotsFrom } from './lib/engine-env.mjs';
import { followSse } from './lib/sse.mjs';

export const OVERHEAD_DEFAULTS = {
  engines: ['podman', 'docker'],
  image: 'big',
  /** ABBA three times: 6 runs a side per engine, in 6 adjacent pairs. */
  order: ['slotpull', 'cli', 'cli', 'slotpull', 'slotpull', 'cli', 'cli', 'slotpull', 'slotpull', 'cli', 'cli', 'slotpull'],
  target: 1.05,
};

export async function runOverhead(overrides = {}) {
  const p = { ...OVERHEAD_DEFAULTS, ...overrides };
  const env = await engineEnv();
  const loadStart = load();
  const image = env.images[p.image];
  env.proxy.setRate(0);
  const rows = [];
  for (const engineName of p.engines) {
    const { runtime } = await countedEngine(env[engineName]);
    const slots = await slotsFrom({ slots: [{ name: 'big', provider: 'container', image: image.ref }] }, 'overhead');
    const http = await slotpullServer(runtime, slots);
    const remove = () => env.run(engineName, ['rmi', '-f', image.ref], { allowFailure: true });
    const times = { slotpull: [], cli: [] };
    const sequence = [];
    try {
      // One untimed pull first: the registry's files in the page cache, the engine warmed up.
      await remove();
      await env.run(engineName, ['pull', image.ref]);
      for (const side of p.order) {
        await remove();
        const t0 = performance.now();
        if (side === 'cli') {
          await env.run(engineName, ['pull', image.ref], { timeoutMs: 120_000 });
        } else {
          const post = await fetch(`${http.base}/api/slots/big/pull`, { method: 'POST' });
          if (post.status !== 202) throw new Error(`POST pull on ${engineName}: ${post.status}`);
          await post.body?.cancel();
          let last;
          await followSse(`${http.base}/api/slots/big/pull/stream?until=done`, (snapshot) => (last = snapshot));
          if (last?.state !== 'completed') throw new Error(`slotpull pull on ${engineName} ended ${last?.state}: ${last?.error}`);
        }
        const ms = performance.now() - t0;
        times[side].push(ms);
        sequence.push([side, ms]);
        log(`overhead: ${engineName} ${side} ${Math.round(ms)} ms`);
      }
    } finally {
      await http.close();
      await remove();
    }
    const slotpullMedian = median(times.slotpull);
    const cliMedian = median(times.cli);
    const pairRatios = [];
    for (let i = 0; i + 1 < sequence.length; i += 2) {
      const pair = Object.fromEntries(sequence.slice(i, i + 2));
      if (pair.slotpull !== undefined && pair.cli !== undefined) pairRatios.push(pair.slotpull / pair.cli);
    }
    const pairMedian = median(pairRatios);
    rows.push({
      engine: engineName,
      cli: `${engineName} pull`,
      runs_per_side: times.cli.length,
      slotpull_ms: times.slotpull.map((ms) => Math.round(ms)),
      cli_ms: times.cli.map((ms) => Math.round(ms)),
      slotpull_median_ms: Math.round(slotpullMedian),
      cli_median_ms: Math.round(cliMedian),
      ratio: round(pairMedian, 3),
      pair_ratios: pairRatios.map((r) => round(r, 3)),
      ratio_of_medians: ratio(slotpullMedian, cliMedian, 3),
      slotpull_mb_s: round(image.totalSize / 1e6 / (slotpullMedian / 1000), 1),
      met: pairMedian <= p.target,
    });
  }
  return {
    parameters: { ...p, size_mib: round(image.totalSize / 2 ** 20, 1), throttle: 'none (registry direct, 127.0.0.1)' },
    load: { start: loadStart, end: load() },
    rows,
    targets: { ratio: p.target, met: rows.every((row) => row.met) },
  };
}
