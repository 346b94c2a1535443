// The server side of the fan-out benchmark, run as its own process (forked by
// fanout.mjs with --expose-gc): slotpull's real Hono app on 127.0.0.1 over
// one container slot whose runtime is synthetic (lib/synthetic-runtime.mjs),
// driven over IPC so that its CPU and memory are its own.
import { createServer } from 'node:http';
import { serveCommands } from './lib/child.mjs';
import { monoUs, server, sleep } from './lib/common.mjs';
import { listen } from './lib/http-server.mjs';
import { syntheticSlotpull } from './lib/synthetic-server.mjs';

const { sseMessage, sseOpening } = await server('core/sse/frame.js');

const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENTS_PER_SECOND ?? 50);
/** Every synthetic pull ends by itself after this many events (bounded even if nobody cancels it). */
const MAX_EVENTS = EVENTS_PER_SECOND * 600;
const SLOT = 'synthetic';

const { slots, runtime, slotpull } = syntheticSlotpull([SLOT], { eventsPerSecond: EVENTS_PER_SECOND, maxEvents: MAX_EVENTS });
const http = await listen(slotpull.app.fetch);

// When slotpull sends a frame: the registry notifies its watchers at that
// moment, this one first (registered before any stream), so the time between
// an event and this notify is the coalescing wait, and the rest is delivery.
const frameTimes = [];
slotpull.registry.watch([slots[0].image.key], () => {
  if (frameTimes.length < 1_000_000) frameTimes.push(monoUs());
});

// A floor to compare with: bare node:http holding SSE responses open (no
// Hono, no web streams, no per-reader snapshot) and, while the pull runs,
// broadcasting every 200 ms one snapshot built and serialized once, written
// to every response in one loop.
const bareResponses = new Set();
const bare = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(sseOpening());
  res.write(sseMessage(1, JSON.stringify({ bytes_done: null })));
  bareResponses.add(res);
  res.once('close', () => bareResponses.delete(res));
});
let bareTimer;
let bareId = 1;
/** bytes_done (newest event) → when the floor sent it. */
const bareFrames = new Map();
function startBareBroadcast() {
  const slot = slots[0];
  const encoder = new TextEncoder();
  bareTimer = setInterval(async () => {
    if (bareResponses.size === 0) return;
    const snapshot = (await slotpull.feed.frame(slot)).snapshot;
    const bytes = encoder.encode(sseMessage(++bareId, JSON.stringify(snapshot)));
    bareFrames.set(snapshot.bytes_done, monoUs());
    for (const res of bareResponses) res.write(bytes);
  }, 200);
}
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareBase = `http://127.0.0.1:${bare.address().port}`;

async function collectGarbage() {
  for (let i = 0; i < 3; i += 1) {
    globalThis.gc?.();
    await sleep(50);
  }
}

const commands = {
  async memory() {
    await collectGarbage();
    return { ...process.memoryUsage(), listeners: slotpull.registry.listenerCount - 1, gc: typeof globalThis.gc === 'function' };
  },
  async startPull() {
    const res = await slotpull.app.request(`http://127.0.0.1/api/slots/${SLOT}/pull`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`POST pull answered ${res.status}`);
    startBareBroadcast();
    return { job: (await res.json()).job_id };
  },
  async stopPull() {
    clearInterval(bareTimer);
    const res = await slotpull.app.request(`http://127.0.0.1/api/slots/${SLOT}/pull`, { method: 'DELETE' });
    return { status: res.status };
  },
  /** CPU and events over a measurement window of `ms`. */
  async window({ ms }) {
    const cpu0 = process.cpuUsage();
    const t0 = monoUs();
    await sleep(ms);
    const cpu = process.cpuUsage(cpu0);
    const t1 = monoUs();
    // Events from 1 s before the window on: frames in the window may reflect them.
    const from = t0 - 1_000_000;
    const emits = runtime.emits.filter((at) => at >= from && at <= t1);
    const frames = frameTimes.filter((at) => at >= from && at <= t1);
    const floorFrames = [...bareFrames].filter(([, at]) => at >= from && at <= t1);
    return { t0, t1, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, listeners: slotpull.registry.listenerCount - 1, emits, frames, floorFrames };
  },
  /**
   * What one client's frame costs to build, alone: the slot's snapshot,
   * JSON, SSE framing and UTF-8, as the stream does per reader (µs per frame).
   */
  async frameCost({ iterations = 2000 }) {
    const slot = slots[0];
    const encoder = new TextEncoder();
    let bytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i += 1) {
      const snapshot = (await slotpull.feed.frame(slot)).snapshot;
      bytes += encoder.encode(sseMessage(i + 1, JSON.stringify(snapshot))).byteLength;
    }
    return { us_per_frame: ((performance.now() - t0) * 1000) / iterations, bytes_per_frame: bytes / iterations };
  },
  async close() {
    clearInterval(bareTimer);
    slotpull.close();
    bare.closeAllConnections();
    await Promise.all([http.close(), new Promise((resolve) => bare.close(resolve))]);
    return {};
  },
};

serveCommands(commands, { base: http.base, bareBase });
