// Part 2, progress truthfulness: real pulls of `multi` and `big` through the
// throttling proxy, on podman and on dockerd, through slotpull's HTTP API and
// SSE. At each frame, the shown percent against the true fraction of the
// image's layer bytes the proxy has delivered (read in the same process at the
// moment the frame is parsed); beside it, hal0's layer-count method
// (layers finished ÷ layers seen) on the same frames. Definitions:
// docs/benchmarks.md.
import { load, log, mean, round } from './lib/common.mjs';
import { countedEngine, engineEnv, slotpullServer, slotsFrom } from './lib/engine-env.mjs';
import { followSse } from './lib/sse.mjs';

export const TRUTH_DEFAULTS = {
  engines: ['podman', 'docker'],
  /**
   * Bytes/s per response body, chosen so that each pull lasts about 15 s:
   * podman reports about once a second per layer, and the gap that interval
   * causes is about (interval × aggregate rate) ÷ image size.
   */
  rates: { multi: 512 * 1024, big: 12 * 1024 * 1024 },
  images: ['multi', 'big'],
  targets: { docker: 5, podman: 10 },
};

export async function runTruth(overrides = {}) {
  const p = { ...TRUTH_DEFAULTS, ...overrides };
  const env = await engineEnv();
  const loadStart = load();
  const rows = [];
  for (const engineName of p.engines) {
    const info = env[engineName];
    const { runtime } = await countedEngine(info);
    const slots = await slotsFrom({ slots: p.images.map((name) => ({ name, provider: 'container', image: env.images[name].proxyRef })) }, 'truth');
    const http = await slotpullServer(runtime, slots);
    try {
      for (const imageName of p.images) {
        const image = env.images[imageName];
        await env.run(engineName, ['rmi', '-f', image.proxyRef], { allowFailure: true });
        env.proxy.setRate(p.rates[imageName]);
        env.proxy.resetStats();
        log(`truth: ${engineName} pulls ${imageName} (${(image.totalSize / 2 ** 20).toFixed(1)} MiB) at ${(p.rates[imageName] / 2 ** 20).toFixed(2)} MiB/s per blob`);
        const delivered = () => {
          const { bytesByPath } = env.proxy.stats();
          let sum = 0;
          for (const [path, bytes] of Object.entries(bytesByPath)) {
            if (image.layers.some((layer) => path.endsWith(`/blobs/${layer.digest}`))) sum += bytes;
          }
          return sum;
        };
        const frames = [];
        const t0 = performance.now();
        const post = await fetch(`${http.base}/api/slots/${imageName}/pull`, { method: 'POST' });
        if (post.status !== 202) throw new Error(`POST pull ${imageName} on ${engineName}: ${post.status}`);
        await post.body?.cancel();
        await followSse(`${http.base}/api/slots/${imageName}/pull/stream?until=done`, (snapshot, at) => {
          frames.push({ at: at - t0, truth: delivered() / image.totalSize, snapshot });
        });
        env.proxy.setRate(0);
        const row = analyse(engineName, imageName, image, frames, p.rates[imageName], p.targets[engineName]);
        rows.push(row);
        log(`truth: ${engineName} ${imageName}: ${row.state} in ${row.duration_s} s, ${row.frames} frames; percent gap max ${row.percent_gap.max} mean ${row.percent_gap.mean} pp, went down: ${row.percent_went_down}; layer-count gap max ${row.layer_count_gap.max} mean ${row.layer_count_gap.mean} pp`);
      }
    } finally {
      env.proxy.setRate(0);
      await http.close();
    }
    // What was pulled is removed again (the overhead and listing parts need a known state).
    for (const imageName of p.images) await env.run(engineName, ['rmi', '-f', env.images[imageName].proxyRef], { allowFailure: true });
  }
  return {
    parameters: { ...p, rates_note: 'bytes/s per response body (each blob), proxy in front of docker-registry on 127.0.0.1' },
    load: { start: loadStart, end: load() },
    rows,
    targets: Object.fromEntries(
      p.engines.map((engine) => {
        const mine = rows.filter((row) => row.engine === engine);
        const failed = mine.filter((row) => row.state !== 'completed').map((row) => `${row.image}: ${row.state} ${row.error ?? ''}`.trim());
        const gaps = mine.map((row) => row.percent_gap.max).filter((gap) => gap !== null);
        const worst = gaps.length === 0 ? null : Math.max(...gaps);
        const down = mine.some((row) => row.percent_went_down);
        const met = failed.length > 0 || worst === null ? null : worst <= p.targets[engine] && !down;
        return [engine, { target_pp: p.targets[engine], largest_gap_pp: worst, went_down: down, failed, met }];
      }),
    ),
  };
}

/**
 * Gaps in percentage points between what a bar shows and the truth, over the
 * frames with a percent (slotpull's), and over the same frames for the
 * layer-count method.
 */
function analyse(engine, imageName, image, frames, rate, target) {
  const last = frames.at(-1)?.snapshot;
  const shown = frames.filter((f) => f.snapshot.percent !== null);
  const truthPct = (f) => f.truth * 100;
  const gaps = shown.map((f) => Math.abs(f.snapshot.percent - truthPct(f)));
  const signed = shown.map((f) => f.snapshot.percent - truthPct(f));
  const layerCount = (s) => (s.total_layers ? (100 * (s.layer ?? 0)) / s.total_layers : 0);
  const lcGaps = shown.map((f) => Math.abs(layerCount(f.snapshot) - truthPct(f)));
  // The engine's own download count (bytes_done ÷ bytes_total), to split the gap:
  // reporting lag (engine bytes vs proxy bytes) and weighting (percent vs engine bytes).
  const engineFraction = (s) => (s.bytes_total ? (100 * (s.bytes_done ?? 0)) / s.bytes_total : null);
  const lagGaps = shown.map((f) => engineFraction(f.snapshot)).map((value, i) => (value === null ? null : Math.abs(value - truthPct(shown[i])))).filter((v) => v !== null);
  let wentDown = false;
  let previous = -Infinity;
  for (const f of shown) {
    if (f.snapshot.percent < previous) wentDown = true;
    previous = Math.max(previous, f.snapshot.percent);
  }
  const nullFrames = frames.filter((f) => f.snapshot.percent === null && f.snapshot.state === 'pulling');
  const byPhase = (phase) => {
    const list = shown.filter((f) => f.snapshot.phase === phase).map((f) => Math.abs(f.snapshot.percent - truthPct(f)));
    return list.length === 0 ? null : { max: round(Math.max(...list), 1), frames: list.length };
  };
  const stat = (list) => ({ max: list.length === 0 ? null : round(Math.max(...list), 1), mean: round(mean(list), 1) });
  return {
    engine,
    image: imageName,
    layers: image.layers.length,
    size_mib: round(image.totalSize / 2 ** 20, 1),
    rate_mib_s: round(rate / 2 ** 20, 2),
    state: last?.state ?? 'none',
    error: last?.error ?? null,
    duration_s: round((frames.at(-1)?.at ?? 0) / 1000, 1),
    frames: frames.length,
    frames_with_percent: shown.length,
    percent_gap: stat(gaps),
    percent_gap_signed_mean: round(mean(signed), 1),
    percent_went_down: wentDown,
    percent_gap_by_phase: { downloading: byPhase('downloading'), extracting: byPhase('extracting'), finalizing: byPhase('finalizing') },
    layer_count_gap: stat(lcGaps),
    engine_bytes_gap: stat(lagGaps),
    frames_without_percent: nullFrames.length,
    truth_while_no_percent_max: nullFrames.length === 0 ? null : round(Math.max(...nullFrames.map(truthPct)), 1),
    target_pp: target,
    trace: frames.map((f) => [round(f.at / 1000, 2), f.snapshot.phase, f.snapshot.percent, round(truthPct(f), 1), round(layerCount(f.snapshot), 1), round(engineFraction(f.snapshot), 1)]),
  };
}
