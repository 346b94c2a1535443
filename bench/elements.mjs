// Part 5, elements: the bundle's size (minified, gzip, brotli), and 100
// `<slot-image-pull-bar>` in headless Debian Chromium, each following its own
// pull at 5 frames a second through the hub's one EventSource to the real
// server (bench/elements-server.mjs, forked): the renderer's main-thread busy
// share, long tasks and frames per second. Beside it, for context, the same
// page idle, and pulling with prefers-reduced-motion (the bars' own media
// query then drops the indicator's transition), alternated per run.
// Definitions: docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { BENCH_DIR, ROOT, load, log, median, round, server, sleep } from './lib/common.mjs';
import { startChild } from './lib/child.mjs';

export const ELEMENTS_DEFAULTS = {
  bars: 100,
  /** Progress events per pull and second; the registry sends at most 5 frames a second of them. */
  eventsPerSecond: 10,
  runs: 3,
  windowMs: 10_000,
  /** After the bars reach a state and before a window: the first renders and their layout settle. */
  settleMs: 2_000,
  readyTimeoutMs: 60_000,
  width: 1280,
  target: { gzip_kb: 16, busy_percent: 10, long_task_ms: 50 },
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// puppeteer's `headless: true` adds --headless=new.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const BUNDLE = join(ROOT, 'dist', 'elements', 'slotpull.js');
const BAR = 'slot-image-pull-bar';
/** prefers-reduced-motion values of the two pulling windows; the first is the one the targets are about. */
const MOTIONS = ['no-preference', 'reduce'];

export async function runElements(overrides = {}) {
  const p = { ...ELEMENTS_DEFAULTS, ...overrides };
  const loadStart = load();
  const { DEFAULT_FRAME_INTERVAL_MS } = await server('core/registry/pull-registry.js');
  log('elements: building the bundle (node elements/build.mjs)');
  const bundle = await measureBundle();
  log(`elements: bundle ${bundle.minified_bytes} B minified, ${bundle.gzip_bytes} B gzip -9, ${bundle.brotli_bytes} B brotli`);

  const chromium = await launchChromium();
  const runs = [];
  try {
    for (let run = 1; run <= p.runs; run += 1) {
      const motions = run % 2 === 1 ? MOTIONS : [...MOTIONS].reverse();
      log(`elements: run ${run}/${p.runs}: ${p.bars} bars idle, then pulling (${motions.join(', then ')}), ${p.windowMs / 1000} s each`);
      const result = await oneRun(chromium.browser, p, motions);
      log(`elements: run ${run}: pulling busy ${result.pulling.busy_percent} % (idle ${result.idle.busy_percent} %, reduced motion ${result.reduced_motion.busy_percent} %), ${result.pulling.long_tasks} long tasks (longest ${result.pulling.longest_task_ms} ms), ${result.pulling.fps} fps, ${result.pulling.frames_per_s} frames/s`);
      runs.push(result);
    }
    const version = await chromium.browser.version();
    const pulling = summarize(runs.map((r) => r.pulling));
    const idle = summarize(runs.map((r) => r.idle));
    const reducedMotion = summarize(runs.map((r) => r.reduced_motion));
    const t = p.target;
    return {
      parameters: { ...p, frames_per_s_per_pull: 1000 / DEFAULT_FRAME_INTERVAL_MS, chromium: version, chromium_args: ['--headless=new', ...CHROMIUM_ARGS] },
      load: { start: loadStart, end: load() },
      bundle,
      runs,
      startup: { long_tasks: Math.max(...runs.map((r) => r.startup.long_tasks)), longest_task_ms: Math.max(...runs.map((r) => r.startup.longest_task_ms)) },
      pulling,
      idle,
      reduced_motion: reducedMotion,
      targets: {
        bundle_gzip: { target_kb: t.gzip_kb, value_kb: round(bundle.gzip_bytes / 1024, 2), bytes: bundle.gzip_bytes, lit_inside: bundle.lit_inside, met: bundle.lit_inside && bundle.gzip_bytes <= t.gzip_kb * 1024 },
        busy: { target_percent: t.busy_percent, median: pulling.busy_percent.median, worst: pulling.busy_percent.worst, met: pulling.busy_percent.median <= t.busy_percent },
        long_tasks: { target_ms: t.long_task_ms, longest_ms: pulling.longest_task_ms.worst, count: runs.reduce((sum, r) => sum + r.pulling.long_tasks, 0), met: pulling.longest_task_ms.worst <= t.long_task_ms },
        fps: { median: pulling.fps.median, worst: pulling.fps.worst },
      },
    };
  } finally {
    await chromium.close();
  }
}

/** Builds dist/elements/slotpull.js as `npm run build` does, and weighs it. */
async function measureBundle() {
  await promisify(execFile)(process.execPath, [join(ROOT, 'elements', 'build.mjs')], { cwd: ROOT, timeout: 120_000 });
  const bytes = readFileSync(BUNDLE);
  const text = bytes.toString('utf8');
  return {
    file: 'dist/elements/slotpull.js',
    minified_bytes: bytes.length,
    gzip_bytes: gzipSync(bytes, { level: 9 }).length,
    brotli_bytes: brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
    // Lit registers its versions on globalThis; an import left for a bundler would name the package instead.
    lit_inside: text.includes('litHtmlVersions') && text.includes('litElementVersions') && !/from\s*["']lit/.test(text),
  };
}

/** Debian's Chromium (never downloaded) in its own profile dir; killed by PID and the dir removed, whatever happens. */
async function launchChromium() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'spbench-chromium-'));
  let pid;
  const stop = () => {
    try {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(userDataDir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, userDataDir, args: CHROMIUM_ARGS });
    pid = browser.process()?.pid;
    return {
      browser,
      async close() {
        await browser.close().catch(() => {});
        stop();
        process.off('exit', stop);
      },
    };
  } catch (error) {
    stop();
    process.off('exit', stop);
    throw error;
  }
}

/**
 * One run in a fresh server process and a fresh page: the bars idle (every
 * image missing, no pull), then every slot pulling, seen with each
 * prefers-reduced-motion value in the order given.
 */
async function oneRun(browser, p, motions) {
  const env = { ...process.env, BENCH_BARS: String(p.bars), BENCH_EVENTS_PER_SECOND: String(p.eventsPerSecond) };
  const serverChild = await startChild(join(BENCH_DIR, 'elements-server.mjs'), { env });
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.evaluateOnNewDocument(probes);
    await page.setViewport({ width: p.width, height: 900 });
    await page.goto(serverChild.ready.page, { waitUntil: 'load' });
    // Every image missing: each bar says so and offers Pull (the `missing` state, issue 13).
    await barsIn(page, 'missing', p);
    // Every bar on screen: a bar outside the viewport would not be painted.
    await page.setViewport({ width: p.width, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    const cdp = await page.createCDPSession();
    await cdp.send('Performance.enable');
    const startup = longTasksBefore(await page.evaluate(readProbes, false));
    await sleep(p.settleMs);
    const idle = await measure(page, cdp, serverChild, p);

    await serverChild.call('startPulls');
    await barsIn(page, 'determinate', p);
    const pulling = {};
    for (const motion of motions) {
      await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: motion }]);
      await sleep(p.settleMs);
      pulling[motion] = await measure(page, cdp, serverChild, p);
      assertLive(pulling[motion], p, errors);
    }
    await cdp.detach();
    return { startup, idle, pulling: pulling['no-preference'], reduced_motion: pulling.reduce };
  } finally {
    await page.close().catch(() => {});
    await serverChild.call('close').catch(() => {});
    await serverChild.stop();
  }
}

/**
 * Runs in the page before any of its scripts (window.__bench): SSE frames
 * received by the page's EventSource (the hub's, the only one), renders of
 * the bars (each instance's Lit `updated`), animation frames, and long tasks.
 */
function probes() {
  const bench = { frames: 0, renders: 0, rafs: 0, maxRafGapMs: 0, longTasks: [] };
  window.__bench = bench;
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => {
        bench.frames += 1;
      });
    }
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  let last = null;
  const frame = (now) => {
    bench.rafs += 1;
    if (last !== null) bench.maxRafGapMs = Math.max(bench.maxRafGapMs, now - last);
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  customElements.whenDefined('slot-image-pull-bar').then(() => {
    for (const bar of document.querySelectorAll('slot-image-pull-bar')) {
      const updated = bar.updated;
      bar.updated = function countRender(changed) {
        bench.renders += 1;
        return updated.call(this, changed);
      };
    }
  });
}

/** The probes' counters now, and each bar's state and the percent its indicator shows. */
function readProbes(resetFrameGap) {
  const bench = window.__bench;
  const read = {
    now: performance.now(),
    frames: bench.frames,
    renders: bench.renders,
    rafs: bench.rafs,
    maxRafGapMs: bench.maxRafGapMs,
    longTasks: [...bench.longTasks],
    bars: [...document.querySelectorAll('slot-image-pull-bar')].map((bar) => ({
      state: bar.state,
      shown: Number.parseFloat(bar.shadowRoot?.querySelector('[part~="indicator"]')?.style.getPropertyValue('--_value') ?? ''),
    })),
  };
  if (resetFrameGap) bench.maxRafGapMs = 0;
  return read;
}

function barsIn(page, state, p) {
  return page.waitForFunction(
    (tag, wanted, count) => {
      const bars = document.querySelectorAll(tag);
      return bars.length === count && [...bars].every((bar) => bar.state === wanted);
    },
    { timeout: p.readyTimeoutMs, polling: 100 },
    BAR,
    state,
    p.bars,
  );
}

/** Long tasks while the page loaded and the bars first rendered (before any window). */
function longTasksBefore(read) {
  const tasks = read.longTasks.filter((task) => task.start < read.now);
  return { long_tasks: tasks.length, longest_task_ms: round(Math.max(0, ...tasks.map((task) => task.duration)), 0) };
}

/**
 * One window of `p.windowMs`. Busy share: the renderer main thread's
 * TaskDuration (the summed wall time of every task it ran, CDP
 * Performance.getMetrics) over the window, ÷ the window's wall time; its
 * ThreadTime (CPU time of that thread) likewise, and the script, style and
 * layout parts of the tasks. Everything the page counts is read at both ends
 * (in page time, the long tasks' timeline).
 */
async function measure(page, cdp, serverChild, p) {
  const start = await page.evaluate(readProbes, true);
  const m0 = await metrics(cdp);
  const cpu0 = await serverChild.call('cpuMark');
  await sleep(p.windowMs);
  const m1 = await metrics(cdp);
  const cpu1 = await serverChild.call('cpuMark');
  const end = await page.evaluate(readProbes, false);
  const wallS = m1.Timestamp - m0.Timestamp;
  const pageS = (end.now - start.now) / 1000;
  const share = (name) => round(((m1[name] - m0[name]) / wallS) * 100, 1);
  const perS = (key) => round((end[key] - start[key]) / pageS, 1);
  const longTasks = end.longTasks.filter((task) => task.start >= start.now && task.start < end.now);
  return {
    seconds: round(wallS, 2),
    busy_percent: share('TaskDuration'),
    main_thread_cpu_percent: share('ThreadTime'),
    script_percent: share('ScriptDuration'),
    style_percent: share('RecalcStyleDuration'),
    layout_percent: share('LayoutDuration'),
    renderer_cpu_percent: share('ProcessTime'),
    style_recalcs_per_s: round((m1.RecalcStyleCount - m0.RecalcStyleCount) / wallS, 1),
    layouts_per_s: round((m1.LayoutCount - m0.LayoutCount) / wallS, 1),
    long_tasks: longTasks.length,
    longest_task_ms: round(Math.max(0, ...longTasks.map((task) => task.duration)), 0),
    fps: perS('rafs'),
    longest_frame_gap_ms: round(end.maxRafGapMs, 0),
    frames_per_s: perS('frames'),
    frames_per_bar_per_s: round((end.frames - start.frames) / pageS / p.bars, 2),
    renders_per_s: perS('renders'),
    bars_moved: end.bars.filter((bar, i) => bar.shown > start.bars[i].shown).length,
    states_at_end: countStates(end.bars),
    server_cpu_percent: round(((cpu1.cpuUs - cpu0.cpuUs) / 1000 / (cpu1.atMs - cpu0.atMs)) * 100, 1),
  };
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map(({ name, value }) => [name, value]));
}

function countStates(bars) {
  const counts = {};
  for (const { state } of bars) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

/** Each bar's words change at the page's beat, once a second; a window's edges may cut one. */
const MIN_RENDERS_PER_BAR_PER_S = 0.9;

/** A window of an idle page would say nothing: every bar must have received frames, drawn a higher percent and rendered its words. */
function assertLive(pulling, p, errors) {
  const problems = [];
  if (errors.length > 0) problems.push(`page errors: ${errors.slice(0, 3).join('; ')}`);
  if (pulling.bars_moved < p.bars) problems.push(`${pulling.bars_moved} of ${p.bars} bars drew a higher percent`);
  if (pulling.frames_per_s < p.bars) problems.push(`${pulling.frames_per_s} SSE frames/s reached the page`);
  // A frame that only moves a pull on draws the fill without a render; the words render once a second (the page's beat).
  if (pulling.renders_per_s < p.bars * MIN_RENDERS_PER_BAR_PER_S) problems.push(`${pulling.renders_per_s} bar renders/s`);
  if (pulling.states_at_end.determinate !== p.bars) problems.push(`bar states at the end: ${JSON.stringify(pulling.states_at_end)}`);
  if (problems.length > 0) throw new Error(`elements: the bars were not live during the window: ${problems.join(', ')}`);
}

/** Median and worst of every figure over the runs (worst: the highest, but the lowest fps and frames/s). */
function summarize(windows) {
  const lowerIsWorse = new Set(['fps', 'frames_per_s', 'frames_per_bar_per_s', 'renders_per_s']);
  const keys = ['busy_percent', 'main_thread_cpu_percent', 'script_percent', 'style_percent', 'layout_percent', 'renderer_cpu_percent', 'style_recalcs_per_s', 'layouts_per_s', 'long_tasks', 'longest_task_ms', 'fps', 'longest_frame_gap_ms', 'frames_per_s', 'frames_per_bar_per_s', 'renders_per_s', 'server_cpu_percent'];
  return Object.fromEntries(
    keys.map((key) => {
      const values = windows.map((w) => w[key]);
      const worst = lowerIsWorse.has(key) ? Math.min(...values) : Math.max(...values);
      return [key, { median: round(median(values), 2), worst }];
    }),
  );
}
