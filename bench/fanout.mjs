// Part 1, fan-out latency: one synthetic pull emitting 50 progress events a
// second in a server process; 10, 100 and 1000 clients in a separate process,
// either following the SSE stream or polling /pull/status every 500 ms (as
// hal0's stream polls its job), alternated ABBA per client count.
// Definitions: docs/benchmarks.md.
import { join } from 'node:path';
import { BENCH_DIR, load, log, mean, median, percentile, ratio, round, sleep, sortNumbers } from './lib/common.mjs';
import { startChild } from './lib/child.mjs';

export const FANOUT_DEFAULTS = {
  eventsPerSecond: 50,
  counts: [10, 100, 1000],
  windowMs: 2500,
  warmupMs: 700,
  /** Receipts this long after a window still count for events inside it. */
  graceMs: 800,
  pollIntervalMs: 500,
  idleClients: 1000,
  memoryOrder: ['slotpull', 'bare', 'bare', 'slotpull'],
  order: ['sse', 'poll', 'poll', 'sse'],
  /** At the largest count, the bare broadcast floor joins: ABCCBA. */
  orderLargest: ['sse', 'poll', 'bare', 'bare', 'poll', 'sse'],
};
const SLOT = 'synthetic';

export async function runFanout(overrides = {}) {
  const p = { ...FANOUT_DEFAULTS, ...overrides };
  const loadStart = load();
  const env = { ...process.env, BENCH_EVENTS_PER_SECOND: String(p.eventsPerSecond) };
  const serverFile = join(BENCH_DIR, 'fanout-server.mjs');
  const startServer = () => startChild(serverFile, { execArgv: ['--expose-gc'], env });
  let server;
  let clients;
  try {
    clients = await startChild(join(BENCH_DIR, 'fanout-clients.mjs'));

    // Memory per idle client, each sample in a fresh server process (RSS does
    // not shrink back after a batch), alternating slotpull and the bare floor.
    const samples = { slotpull: [], bare: [] };
    for (const side of p.memoryOrder) {
      log(`fanout: memory with ${p.idleClients} idle SSE clients (${side})`);
      server = await startServer();
      const base = side === 'slotpull' ? server.ready.base : server.ready.bareBase;
      const url = `${base}/api/slots/${SLOT}/pull/stream`;
      // Warm-up: the first connections also compile code; that is not per-client memory.
      await clients.call('sse', { url, n: 100 });
      await clients.call('stop');
      const before = await server.call('memory');
      const idle = await clients.call('sse', { url, n: p.idleClients });
      await sleep(300);
      const after = await server.call('memory');
      await clients.call('stop');
      if (side === 'slotpull') await server.call('close');
      await server.stop();
      server = undefined;
      const perClient = (key) => (after[key] - before[key]) / p.idleClients / 1024;
      samples[side].push({ rss: perClient('rss'), heap: perClient('heapUsed'), external: perClient('external'), connectMs: idle.connectMs, listeners: after.listeners, gc: after.gc });
    }
    const memSide = (list) => ({
      rss_kb_per_client: round(median(list.map((x) => x.rss)), 1),
      heap_used_kb_per_client: round(median(list.map((x) => x.heap)), 1),
      external_kb_per_client: round(median(list.map((x) => x.external)), 1),
      samples: list.map((x) => ({ rss: round(x.rss, 1), heap: round(x.heap, 1) })),
    });
    const memory = {
      clients: p.idleClients,
      gc: samples.slotpull[0]?.gc ?? null,
      listeners: samples.slotpull[0]?.listeners ?? null,
      slotpull: memSide(samples.slotpull),
      bare_node_http: memSide(samples.bare),
    };
    memory.ratio_rss = ratio(memory.slotpull.rss_kb_per_client, memory.bare_node_http.rss_kb_per_client);
    memory.ratio_heap = ratio(memory.slotpull.heap_used_kb_per_client, memory.bare_node_http.heap_used_kb_per_client);

    server = await startServer();
    const streamUrl = `${server.ready.base}/api/slots/${SLOT}/pull/stream`;
    const statusUrl = `${server.ready.base}/api/slots/${SLOT}/pull/status`;
    await server.call('startPull');
    const rows = [];
    for (const n of p.counts) {
      const acc = { sse: emptyAcc(), poll: emptyAcc(), bare: emptyAcc() };
      const order = n === Math.max(...p.counts) ? p.orderLargest : p.order;
      for (const side of order) {
        log(`fanout: ${n} ${side} clients`);
        if (side === 'sse') await clients.call('sse', { url: streamUrl, n });
        else if (side === 'bare') await clients.call('sse', { url: `${server.ready.bareBase}/`, n });
        else await clients.call('poll', { url: statusUrl, n, intervalMs: p.pollIntervalMs });
        await sleep(p.warmupMs);
        const c0 = await clients.call('cpuMark');
        const w = await server.call('window', { ms: p.windowMs });
        const c1 = await clients.call('cpuMark');
        acc[side].clientCpuUs += c1.user + c1.system - c0.user - c0.system;
        acc[side].clientWallUs += c1.at - c0.at;
        await sleep(p.graceMs);
        const { perClient: records, errors } = await clients.call('collect', { from: w.t0, to: w.t1 + p.graceMs * 1000 });
        await clients.call('stop');
        accumulate(acc[side], w, records, errors, p.graceMs * 1000, side);
        await sleep(200);
      }
      const sse = summarize(acc.sse);
      const poll = summarize(acc.poll);
      const floor = acc.bare.windows > 0 ? summarize(acc.bare) : null;
      rows.push({
        clients: n,
        sse,
        poll,
        bare_broadcast: floor,
        ratio_sse_to_bare_p99: floor === null ? null : ratio(sse.frame_latency_ms.p99, floor.frame_latency_ms.p99),
        ratio_sse_to_poll: {
          frame_latency_p99: ratio(sse.frame_latency_ms.p99, poll.frame_latency_ms.p99),
          event_latency_p50: ratio(sse.event_latency_ms.p50, poll.event_latency_ms.p50),
          event_latency_p99: ratio(sse.event_latency_ms.p99, poll.event_latency_ms.p99),
          cpu: ratio(sse.server_cpu_percent, poll.server_cpu_percent),
          requests_per_s: ratio(sse.requests_per_s, poll.requests_per_s),
        },
      });
      log(`fanout: ${n} clients: SSE frame p50/p99 ${sse.frame_latency_ms.p50}/${sse.frame_latency_ms.p99} ms, cpu ${sse.server_cpu_percent} %; poll event p50/p99 ${poll.event_latency_ms.p50}/${poll.event_latency_ms.p99} ms, ${poll.requests_per_s} req/s, cpu ${poll.server_cpu_percent} %`);
    }
    // What building one client's frame costs, alone (the pull still runs).
    const cost = await server.call('frameCost', { iterations: 2000 });
    await server.call('stopPull');
    await server.call('close');

    const largest = rows.at(-1);
    const p99 = largest?.sse.frame_latency_ms.p99 ?? null;
    return {
      parameters: { ...p, frame_interval_ms: 200, windows_per_side: 2 },
      load: { start: loadStart, end: load() },
      memory,
      rows,
      frame_cost: { us_per_frame: round(cost.us_per_frame, 1), bytes_per_frame: Math.round(cost.bytes_per_frame) },
      targets: {
        p99_1000_clients: {
          target_ms: 25,
          clients: largest?.clients ?? null,
          value_ms: p99,
          delivery_p99_ms: largest?.sse.delivery_latency_ms?.p99 ?? null,
          floor_p99_ms: largest?.bare_broadcast?.frame_latency_ms.p99 ?? null,
          met: p99 === null ? null : p99 <= 25,
        },
        memory_per_idle_client: {
          target_kb: 20,
          rss_kb: memory.slotpull.rss_kb_per_client,
          heap_kb: memory.slotpull.heap_used_kb_per_client,
          met_rss: memory.slotpull.rss_kb_per_client <= 20,
          met_heap: memory.slotpull.heap_used_kb_per_client <= 20,
        },
      },
    };
  } finally {
    await clients?.stop();
    await server?.stop();
  }
}

function emptyAcc() {
  return { loads: [], frame: [], event: [], delivery: [], first: [], spread: [], unseen: 0, received: 0, wallUs: 0, cpuUs: 0, clientCpuUs: 0, clientWallUs: 0, errors: [], clients: 0, windows: 0, listeners: 0 };
}

/**
 * Frame latency: every frame/answer received inside the window, receipt − emit
 * time of the newest event it reflects. Event latency: every event emitted
 * inside the window, from its emit to the first frame/answer (per client)
 * that reflects it (bytes_done ≥ its emit time).
 */
function accumulate(acc, w, records, errors, graceUs, side) {
  acc.windows += 1;
  acc.loads.push(load()[0]);
  acc.wallUs += w.t1 - w.t0;
  acc.cpuUs += w.cpuUserUs + w.cpuSystemUs;
  acc.clients = records.length;
  acc.listeners = Math.max(acc.listeners, w.listeners);
  acc.errors.push(...errors);
  const events = w.emits.filter((at) => at >= w.t0 && at <= w.t1);
  /** Per frame content (its newest event), the first and last receipt over all clients. */
  const bursts = new Map();
  // When the server sent the frame that carries a given newest event: slotpull's
  // registry notify (the first one after the event), or the floor's broadcast.
  const floorSent = new Map(w.floorFrames);
  /** Index of the first notify at or after `at`. */
  const firstAtOrAfter = (at) => {
    let lo = 0;
    let hi = w.frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w.frames[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /**
   * The notify that sent a frame: the first one after its newest event, or, when
   * the reader built its frame later than that (it then reflects an event after
   * the notify), the last notify before it arrived.
   */
  const sentAt = (emitted, received) => {
    if (side === 'bare') return floorSent.get(emitted);
    const i = firstAtOrAfter(emitted);
    if (i < w.frames.length && w.frames[i] <= received) return w.frames[i];
    const j = firstAtOrAfter(received) - 1;
    return j >= 0 ? w.frames[j] : undefined;
  };
  for (const rec of records) {
    for (let i = 0; i < rec.length; i += 2) {
      if (rec[i + 1] <= w.t1) {
        acc.frame.push((rec[i + 1] - rec[i]) / 1000);
        if (side !== 'poll') {
          const sent = sentAt(rec[i], rec[i + 1]);
          if (sent !== undefined && sent <= rec[i + 1]) acc.delivery.push((rec[i + 1] - sent) / 1000);
        }
        acc.received += 1;
        const burst = bursts.get(rec[i]);
        if (burst === undefined) bursts.set(rec[i], { first: rec[i + 1], last: rec[i + 1], count: 1 });
        else {
          burst.first = Math.min(burst.first, rec[i + 1]);
          burst.last = Math.max(burst.last, rec[i + 1]);
          burst.count += 1;
        }
      }
    }
    let j = 0;
    for (const at of events) {
      while (j < rec.length && rec[j] < at) j += 2;
      if (j < rec.length && rec[j + 1] <= w.t1 + graceUs) acc.event.push((rec[j + 1] - at) / 1000);
      else acc.unseen += 1;
    }
  }
  // Bursts that reached (nearly) every client: how long the first took, and how long the fan-out to all of them.
  for (const [emitted, burst] of bursts) {
    if (burst.count < records.length * 0.9) continue;
    acc.first.push((burst.first - emitted) / 1000);
    acc.spread.push((burst.last - burst.first) / 1000);
  }
}

function summarize(acc) {
  const frame = sortNumbers(acc.frame);
  const event = sortNumbers(acc.event);
  const delivery = sortNumbers(acc.delivery);
  const stat = (sorted) => ({ p50: round(percentile(sorted, 50), 1), p99: round(percentile(sorted, 99), 1), max: round(sorted.at(-1) ?? null, 1), samples: sorted.length });
  return {
    frame_latency_ms: stat(frame),
    event_latency_ms: { ...stat(event), unseen: acc.unseen },
    delivery_latency_ms: delivery.length === 0 ? null : stat(delivery),
    frame_latency_mean_ms: round(mean(acc.frame), 1),
    requests_per_s: round(acc.received / (acc.wallUs / 1e6), 0),
    server_cpu_percent: round((acc.cpuUs / acc.wallUs) * 100, 1),
    client_cpu_percent: round((acc.clientCpuUs / acc.clientWallUs) * 100, 1),
    first_client_ms_p50: round(median(acc.first), 1),
    fanout_spread_ms_p50: round(median(acc.spread), 1),
    windows: acc.windows,
    load_1min: round(mean(acc.loads), 2),
    errors: acc.errors.slice(0, 5),
  };
}
