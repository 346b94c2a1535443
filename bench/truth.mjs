// Part 2, progress truthfulness (issue 12): real pulls of `multi` and `big`
// through the throttling proxy, on podman and on dockerd, through slotpull's
// HTTP API and SSE, 3 runs each. At each frame, the shown percent against the
// true fraction of the image's layer bytes the proxy has delivered (read in
// the same process at the moment the frame is parsed) and against the share
// of the pull's wall time passed, and `eta_s` against the time really left
// until the `completed` frame. Definitions: docs/benchmarks.md.
import { load, log, mean, percentile, round } from './lib/common.mjs';
import { countedEngine, engineEnv, slotpullServer, slotsFrom } from './lib/engine-env.mjs';
import { followSse } from './lib/sse.mjs';

const MiB = 1024 * 1024;

export const TRUTH_DEFAULTS = {
  engines: ['podman', 'docker'],
  /**
   * Bytes/s per response body (each blob). Issue 12's bed: 8 MB/s, `big` 120 MB
   * in one layer (15 s), `multi` 50 MB in three (6.5 s). tests/env's images are
   * `big` 200 MiB and `multi` 3/5/8 MiB: `big` at 8 MiB/s (one blob: the
   * bed's rate, 25 s); `multi` at 1.25 MiB/s per blob, so that it lasts the
   * bed's 6.5 s (at 8 MiB/s it would be over in 1 s, too short for an ETA).
   */
  rates: { multi: 1.25 * MiB, big: 8 * MiB },
  images: ['multi', 'big'],
  runs: 3,
  /** Issue 12's targets: largest gap vs true bytes (pp), per engine and image. */
  gapTargets: { docker: { big: 3, multi: 3 }, podman: { big: 8, multi: 12 } },
  /** Largest gap vs the share of wall time passed (pp). */
  wallTarget: 8,
  /** ETA: p90 relative error (%), and share of frames with more than a second left that offer one (%). */
  etaErrorTargets: { big: 20, multi: 30 },
  etaShareTargets: { big: 80, multi: 60 },
};

/** Frames with less time left than this are not asked for an ETA. */
const ETA_MIN_LEFT_S = 1;

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
        for (let run = 1; run <= p.runs; run += 1) rows.push(await pullOnce(env, http, engineName, imageName, run, p));
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
    rows: rows.map(({ samples, ...row }) => row),
    summary: summarise(rows, p),
  };
}

/** One pull of `imageName` on `engineName`, the image removed first: its frames, analysed. */
async function pullOnce(env, http, engineName, imageName, run, p) {
  const image = env.images[imageName];
  await env.run(engineName, ['rmi', '-f', image.proxyRef], { allowFailure: true });
  env.proxy.setRate(p.rates[imageName]);
  env.proxy.resetStats();
  log(`truth: ${engineName} pulls ${imageName} (${(image.totalSize / MiB).toFixed(1)} MiB) at ${(p.rates[imageName] / MiB).toFixed(2)} MiB/s per blob, run ${run}/${p.runs}`);
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
  const row = analyse(engineName, imageName, image, frames, p.rates[imageName], run);
  log(
    `truth: ${engineName} ${imageName} #${run}: ${row.state} in ${row.duration_s} s, ${row.frames} frames; gap vs bytes max ${row.percent_gap.max} pp, vs wall time max ${row.wall_gap_max} pp, went down: ${row.percent_went_down}; ETA p90 error ${row.eta_error_p90} %, on ${row.eta_share} % of frames`,
  );
  return row;
}

/** Per engine and image, over its runs: the largest gaps, and the ETA's errors and share over all their frames. */
function summarise(rows, p) {
  const cells = [];
  for (const engine of p.engines) {
    for (const image of p.images) {
      const mine = rows.filter((row) => row.engine === engine && row.image === image);
      const failed = mine.filter((row) => row.state !== 'completed').map((row) => `#${row.run}: ${row.state} ${row.error ?? ''}`.trim());
      const done = mine.filter((row) => row.state === 'completed');
      const largest = (list) => (list.length === 0 ? null : round(Math.max(...list), 1));
      const samples = done.flatMap((row) => row.samples);
      const errors = samples.filter((s) => s.error !== null).map((s) => s.error).sort((a, b) => a - b);
      const gap = largest(done.map((row) => row.percent_gap.max).filter((x) => x !== null));
      const wall = largest(done.map((row) => row.wall_gap_max).filter((x) => x !== null));
      const truthWall = largest(done.map((row) => row.truth_wall_gap_max).filter((x) => x != null));
      const etaError = round(percentile(errors, 90), 1);
      const etaShare = samples.length === 0 ? null : round((100 * errors.length) / samples.length, 0);
      const down = done.some((row) => row.percent_went_down);
      const check = (value, ok) => (failed.length > 0 || value === null ? null : ok(value));
      const targets = { gap: p.gapTargets[engine][image], wall: p.wallTarget, eta_error: p.etaErrorTargets[image], eta_share: p.etaShareTargets[image] };
      cells.push({
        engine,
        image,
        runs: mine.length,
        failed,
        pull_s: done.map((row) => row.duration_s),
        gap_pp: gap,
        wall_gap_pp: wall,
        truth_wall_gap_pp: truthWall,
        went_down: down,
        eta_error_p90_pct: etaError,
        eta_share_pct: etaShare,
        eta_frames: samples.length,
        targets,
        met: {
          gap: check(gap, (x) => x <= targets.gap),
          wall: check(wall, (x) => x <= targets.wall),
          never_down: failed.length > 0 ? null : !down,
          eta_error: check(etaError, (x) => x <= targets.eta_error),
          eta_share: check(etaShare, (x) => x >= targets.eta_share),
        },
      });
    }
  }
  return cells;
}

/**
 * Gaps in percentage points between what a bar shows and the truth, over the
 * frames with a percent (slotpull's), and over the same frames for the
 * layer-count method.
 */
function analyse(engine, imageName, image, frames, rate, run) {
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
  // Wall time and time left are measured to the `completed` frame (a failed pull has none: no figures).
  const doneAt = last?.state === 'completed' ? frames.at(-1).at : null;
  const wallGaps = doneAt === null ? [] : shown.map((f) => Math.abs(f.snapshot.percent - (100 * f.at) / doneAt));
  // The bytes themselves against wall time: the floor of the gap above (blobs paced each at a rate run in parallel, then fewer).
  const truthWallGaps = doneAt === null ? [] : shown.map((f) => Math.abs(truthPct(f) - (100 * f.at) / doneAt));
  /** Each frame with more than ETA_MIN_LEFT_S left: its ETA's error relative to the time left, null without an ETA. */
  const samples =
    doneAt === null
      ? []
      : frames
          .filter((f) => f.snapshot.state === 'pulling' && (doneAt - f.at) / 1000 > ETA_MIN_LEFT_S)
          .map((f) => {
            const left = (doneAt - f.at) / 1000;
            return { left, error: f.snapshot.eta_s === null ? null : (100 * Math.abs(f.snapshot.eta_s - left)) / left };
          });
  const errors = samples.filter((s) => s.error !== null).map((s) => s.error).sort((a, b) => a - b);
  return {
    engine,
    image: imageName,
    run,
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
    wall_gap_max: wallGaps.length === 0 ? null : round(Math.max(...wallGaps), 1),
    truth_wall_gap_max: truthWallGaps.length === 0 ? null : round(Math.max(...truthWallGaps), 1),
    eta_error_p90: round(percentile(errors, 90), 1),
    eta_share: samples.length === 0 ? null : round((100 * errors.length) / samples.length, 0),
    samples,
    trace: frames.map((f) => [round(f.at / 1000, 2), f.snapshot.phase, f.snapshot.percent, round(truthPct(f), 1), round(layerCount(f.snapshot), 1), round(engineFraction(f.snapshot), 1), f.snapshot.eta_s]),
  };
}
