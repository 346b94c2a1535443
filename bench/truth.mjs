// Part 2, progress truthfulness: real pulls of `multi` and `big` through the
// throttling proxy, on podman and on dockerd, through slotpull's HTTP API and
// SSE, several runs each. At each frame: the shown percent against the true
// fraction of the image's layer bytes the proxy has delivered (read in the
// same process at the moment the frame is parsed) and against the share of
// the pull's wall time passed; the ETA against the time really left until
// `completed`; beside it, hal0's layer-count method (layers finished ÷ layers
// seen) on the same frames. Definitions: docs/benchmarks.md.
import { load, log, mean, round } from './lib/common.mjs';
import { countedEngine, engineEnv, slotpullServer, slotsFrom } from './lib/engine-env.mjs';
import { followSse } from './lib/sse.mjs';

export const TRUTH_DEFAULTS = {
  engines: ['podman', 'docker'],
  /**
   * Bytes/s per response body. `multi` (3, 5 and 8 MiB layers, fetched at
   * once): about 6.5 s, as on issue 12's bed; `big` (one 200 MiB layer):
   * about 17 s. podman reports about once a second per layer, so a second
   * is up to 16 pp of `multi`.
   */
  rates: { multi: 1.25 * 1024 * 1024, big: 12 * 1024 * 1024 },
  images: ['multi', 'big'],
  runs: 3,
  /** Issue 12's targets, per engine and image. */
  targets: {
    docker: { big: { gap_pp: 3 }, multi: { gap_pp: 3 } },
    podman: { big: { gap_pp: 8 }, multi: { gap_pp: 12 } },
    wall_gap_pp: 8,
    eta: { big: { p90_error_percent: 20, offered_percent: 80 }, multi: { p90_error_percent: 30, offered_percent: 60 } },
  },
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
      for (let run = 1; run <= p.runs; run++) for (const imageName of p.images) {
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
        const row = { run, ...analyse(engineName, imageName, image, frames, p.rates[imageName]) };
        rows.push(row);
        log(`truth: ${engineName} ${imageName} run ${run}: ${row.state} in ${row.duration_s} s, ${row.frames} frames; percent gap max ${row.percent_gap.max} pp (wall time ${row.wall_gap.max} pp), went down: ${row.percent_went_down}; ETA p90 error ${row.eta.p90_error_percent} % on ${row.eta.offered_percent} % of frames; layer-count gap max ${row.layer_count_gap.max} pp`);
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
    targets: truthTargets(rows, p),
  };
}

/** Each engine × image against issue 12's targets, worst run counted. */
function truthTargets(rows, p) {
  const out = [];
  for (const engine of p.engines) {
    for (const image of p.images) {
      const mine = rows.filter((row) => row.engine === engine && row.image === image);
      const failed = mine.filter((row) => row.state !== 'completed').map((row) => `run ${row.run}: ${row.state} ${row.error ?? ''}`.trim());
      const worst = (pick) => {
        const values = mine.map(pick).filter((value) => value !== null);
        return values.length === 0 ? null : Math.max(...values);
      };
      const least = (pick) => {
        const values = mine.map(pick).filter((value) => value !== null);
        return values.length === 0 ? null : Math.min(...values);
      };
      const gap = worst((row) => row.percent_gap.max);
      const wall = worst((row) => row.wall_gap.max);
      const etaError = worst((row) => row.eta.p90_error_percent);
      const offered = least((row) => row.eta.offered_percent);
      const down = mine.some((row) => row.percent_went_down);
      const target = { gap_pp: p.targets[engine][image].gap_pp, wall_gap_pp: p.targets.wall_gap_pp, ...p.targets.eta[image] };
      const met = (value, ok) => (failed.length > 0 || value === null ? null : ok(value));
      out.push({
        engine,
        image,
        runs: mine.length,
        failed,
        went_down: down,
        largest_gap_pp: gap,
        largest_wall_gap_pp: wall,
        eta_p90_error_percent: etaError,
        eta_offered_percent: offered,
        target,
        met_gap: met(gap, (g) => g <= target.gap_pp && !down),
        met_wall_gap: met(wall, (w) => w <= target.wall_gap_pp),
        met_eta_error: met(etaError, (e) => e <= target.p90_error_percent),
        met_eta_offered: met(offered, (o) => o >= target.offered_percent),
      });
    }
  }
  return out;
}

/** The value at quantile q (0..1) of a list, nearest rank; null when empty. */
function quantile(list, q) {
  if (list.length === 0) return null;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Gaps in percentage points between what a bar shows and the truth, over the
 * frames with a percent (slotpull's), and over the same frames for the
 * layer-count method.
 */
function analyse(engine, imageName, image, frames, rate) {
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
  // Wall time and ETA are measured against the frame that said `completed`.
  const end = frames.find((f) => f.snapshot.state === 'completed')?.at ?? null;
  const wallGaps = end === null ? [] : shown.map((f) => Math.abs(f.snapshot.percent - (100 * f.at) / end));
  const waiting = end === null ? [] : frames.filter((f) => f.snapshot.state === 'pulling' && end - f.at > 1000);
  const offered = waiting.filter((f) => f.snapshot.eta_s !== null);
  const etaErrors = offered.map((f) => (100 * Math.abs(f.snapshot.eta_s * 1000 - (end - f.at))) / (end - f.at));
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
    wall_gap: stat(wallGaps),
    eta: {
      frames_over_1s_left: waiting.length,
      offered_percent: waiting.length === 0 ? null : round((100 * offered.length) / waiting.length, 1),
      p90_error_percent: etaErrors.length === 0 ? null : round(quantile(etaErrors, 0.9), 1),
      first_offered_s: offered.length === 0 ? null : round(offered[0].at / 1000, 1),
    },
    stalled_frames: frames.filter((f) => f.snapshot.stalled_s !== null).length,
    extracting_frames_with_number: frames.filter((f) => f.snapshot.phase === 'extracting' && (f.snapshot.extract_percent !== null || f.snapshot.extract_seconds !== null)).length,
    percent_gap_signed_mean: round(mean(signed), 1),
    percent_went_down: wentDown,
    percent_gap_by_phase: { downloading: byPhase('downloading'), extracting: byPhase('extracting'), finalizing: byPhase('finalizing') },
    layer_count_gap: stat(lcGaps),
    engine_bytes_gap: stat(lagGaps),
    frames_without_percent: nullFrames.length,
    truth_while_no_percent_max: nullFrames.length === 0 ? null : round(Math.max(...nullFrames.map(truthPct)), 1),
    trace: frames.map((f) => [round(f.at / 1000, 2), f.snapshot.phase, f.snapshot.percent, round(truthPct(f), 1), round(layerCount(f.snapshot), 1), round(engineFraction(f.snapshot), 1), f.snapshot.eta_s, f.snapshot.extract_percent]),
  };
}
