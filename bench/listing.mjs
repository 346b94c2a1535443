// Part 4, listing: GET /api/slots with 100 container slots over a handful of
// distinct images on a real engine (podman and dockerd), every engine request
// counted at the transport. Cold (a fresh slotpull: empty caches), warm (the
// same instance right after) and a naive baseline (one image inspect and one
// container inspect per slot, no cache: what a listing costs without
// slotpull's shared 2 s caches), alternated per round. slotpull asks per
// engine one container list (plus an inspect per container it shows crashed;
// none here) instead of one inspect per container.
import http from 'node:http';
import { load, log, median, percentile, ratio, round, sleep, sortNumbers } from './lib/common.mjs';
import { countedEngine, engineEnv, slotpullServer, slotsFrom } from './lib/engine-env.mjs';

export const LISTING_DEFAULTS = {
  engines: ['podman', 'docker'],
  slots: 100,
  /** Present images (pulled first) and missing ones. */
  present: ['tiny', 'base-a', 'busybox'],
  missing: ['multi', 'base-b'],
  /** Containers that exist (created from busybox, never started); the other slots' are absent. */
  containers: 5,
  rounds: 12,
  /** Steady state: listings back to back for this long, to count engine requests per 2 s. */
  steadyMs: 4200,
  steadyGapMs: 100,
  /** A cold listing may cost one image inspect per distinct image plus the engine's one container list. */
  target: { median_ms: 10, image_requests_per_image_per_2s: 1, container_lists_per_2s: 1 },
};

export async function runListing(overrides = {}) {
  const p = { ...LISTING_DEFAULTS, ...overrides };
  const env = await engineEnv();
  const loadStart = load();
  const images = [...p.present, ...p.missing];
  const rows = [];
  for (const engineName of p.engines) {
    log(`listing: ${engineName}: ${p.slots} slots over ${images.length} images`);
    for (const name of p.present) await env.run(engineName, ['pull', env.images[name].ref]);
    for (const name of p.missing) await env.run(engineName, ['rmi', '-f', env.images[name].ref], { allowFailure: true });
    const slotsFile = {
      slots: Array.from({ length: p.slots }, (_, i) => ({
        name: `s${String(i).padStart(3, '0')}`,
        provider: 'container',
        image: env.images[images[i % images.length]].ref,
      })),
    };
    for (let i = 0; i < p.containers; i += 1) {
      await env.run(engineName, ['create', '--name', `slot-s${String(i).padStart(3, '0')}`, '--network', 'none', env.images.busybox.ref]);
    }
    const slots = await slotsFrom(slotsFile, 'listing');
    const counted = await countedEngine(env[engineName]);
    const slotpull = await slotpullServer(counted.runtime, slots);
    const naive = await naiveServer(counted.runtime, slots);
    const samples = { cold: [], warm: [], naive: [] };
    const requests = { cold: [], warm: [], naive: [] };
    const get = async (base, kind) => {
      const before = counted.snapshot();
      const t0 = performance.now();
      const res = await fetch(`${base}/api/slots`);
      const body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200 || body.length !== p.slots) throw new Error(`GET /api/slots (${kind}) answered ${res.status} with ${body.length} slots`);
      samples[kind].push(ms);
      requests[kind].push(counted.since(before));
      return body;
    };
    let check;
    try {
      for (let round = 0; round < p.rounds; round += 1) {
        // Alternate which goes first: naive, then cold→warm; or cold→warm, then naive.
        if (round % 2 === 0) await get(naive.base, 'naive');
        slotpull.renew();
        check = await get(slotpull.base, 'cold');
        await get(slotpull.base, 'warm');
        if (round % 2 === 1) await get(naive.base, 'naive');
      }
      // Steady state: a dashboard listing every 100 ms for a few seconds, on a fresh instance.
      slotpull.renew();
      const before = counted.snapshot();
      const t0 = performance.now();
      let listings = 0;
      while (performance.now() - t0 < p.steadyMs) {
        const res = await fetch(`${slotpull.base}/api/slots`);
        await res.json();
        listings += 1;
        await sleep(p.steadyGapMs);
      }
      const steadyS = (performance.now() - t0) / 1000;
      const steady = counted.since(before);
      // Per image (and per container): the shortest time between two engine requests for it,
      // and the most requests for one of them inside any 2 s window.
      const spacing = (kind) => {
        const byPath = new Map();
        for (const [k, path, at] of counted.journal) {
          if (k === kind && at >= t0) byPath.set(path, [...(byPath.get(path) ?? []), at]);
        }
        let minGap = Infinity;
        let maxIn2s = 0;
        for (const times of byPath.values()) {
          for (let i = 0; i < times.length; i += 1) {
            if (i > 0) minGap = Math.min(minGap, times[i] - times[i - 1]);
            let j = i;
            while (j + 1 < times.length && times[j + 1] - times[i] < 2000) j += 1;
            maxIn2s = Math.max(maxIn2s, j - i + 1);
          }
        }
        return { min_gap_ms: Number.isFinite(minGap) ? Math.round(minGap) : null, max_per_2s: maxIn2s };
      };
      const stat = (kind) => {
        const sorted = sortNumbers(samples[kind]);
        const perListing = (key) => round(median(requests[kind].map((r) => r[key])), 1);
        return {
          median_ms: round(median(samples[kind]), 2),
          p90_ms: round(percentile(sorted, 90), 2),
          samples: samples[kind].length,
          image_requests: perListing('image_inspect'),
          container_lists: perListing('container_list'),
          container_requests: perListing('container_inspect'),
          engine_requests: round(median(requests[kind].map((r) => r.image_inspect + r.container_list + r.container_inspect + r.other + r.pull)), 1),
        };
      };
      const row = {
        engine: engineName,
        slots: p.slots,
        distinct_images: images.length,
        distinct_containers: p.slots,
        existing_containers: p.containers,
        statuses: countStatuses(check),
        cold: stat('cold'),
        warm: stat('warm'),
        naive: stat('naive'),
        steady: {
          seconds: round(steadyS, 1),
          listings,
          image_requests: steady.image_inspect,
          container_lists: steady.container_list,
          container_requests: steady.container_inspect,
          image_requests_per_image_per_2s: round(steady.image_inspect / images.length / (steadyS / 2), 2),
          container_requests_per_container_per_2s: round(steady.container_inspect / p.slots / (steadyS / 2), 2),
          image: spacing('image_inspect'),
          container_list: spacing('container_list'),
          container: spacing('container_inspect'),
          engine_requests_per_2s: round((steady.image_inspect + steady.container_list + steady.container_inspect + steady.other) / (steadyS / 2), 1),
        },
      };
      row.ratio_warm_to_naive_ms = ratio(row.warm.median_ms, row.naive.median_ms);
      row.ratio_cold_to_naive_ms = ratio(row.cold.median_ms, row.naive.median_ms);
      row.ratio_cold_to_naive_requests = ratio(row.cold.engine_requests, row.naive.engine_requests);
      row.met_median = row.warm.median_ms <= p.target.median_ms;
      // Image inspects: at most one per distinct image in any 2 s; container lists: at most one in any 2 s.
      // All engine requests of a cold listing: one per distinct image plus the one container list.
      row.met_image_requests = row.steady.image.max_per_2s <= 1 && row.cold.image_requests <= images.length;
      row.met_container_lists = row.steady.container_list.max_per_2s <= p.target.container_lists_per_2s;
      row.met_all_requests = row.cold.engine_requests <= images.length + p.target.container_lists_per_2s;
      rows.push(row);
      log(`listing: ${engineName}: warm ${row.warm.median_ms} ms / ${row.warm.engine_requests} req, cold ${row.cold.median_ms} ms / ${row.cold.engine_requests} req (${row.cold.image_requests} image, ${row.cold.container_lists} container list, ${row.cold.container_requests} container), naive ${row.naive.median_ms} ms / ${row.naive.engine_requests} req`);
    } finally {
      await slotpull.close();
      await naive.close();
      for (let i = 0; i < p.containers; i += 1) await env.run(engineName, ['rm', '-f', `slot-s${String(i).padStart(3, '0')}`], { allowFailure: true });
      for (const name of p.present) await env.run(engineName, ['rmi', '-f', env.images[name].ref], { allowFailure: true });
    }
  }
  return {
    parameters: { ...p, images },
    load: { start: loadStart, end: load() },
    rows,
    targets: {
      warm_median_ms: { target: p.target.median_ms, values: rows.map((r) => r.warm.median_ms), met: rows.every((r) => r.met_median) },
      image_requests: {
        target: '≤ 1 engine request per distinct image per 2 s, plus one container list per engine',
        image_inspects_max_per_image_per_2s: rows.map((r) => r.steady.image.max_per_2s),
        container_lists_max_per_2s: rows.map((r) => r.steady.container_list.max_per_2s),
        engine_requests_per_cold_listing: rows.map((r) => r.cold.engine_requests),
        distinct_images: images.length,
        allowed_requests_per_cold_listing: images.length + p.target.container_lists_per_2s,
        met_image_inspects: rows.every((r) => r.met_image_requests),
        met_container_lists: rows.every((r) => r.met_container_lists),
        met_all_requests: rows.every((r) => r.met_all_requests),
      },
    },
  };
}

function countStatuses(list) {
  const out = {};
  for (const slot of list ?? []) {
    const key = `${slot.image_status}/${slot.container_status}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** The naive listing: per slot, one image inspect and one container inspect, every time. */
async function naiveServer(runtime, slots) {
  const server = http.createServer(async (req, res) => {
    const list = await Promise.all(
      slots.map(async (slot) => {
        const [image, container] = await Promise.all([
          runtime.inspectImage(slot.image).catch(() => 'unknown'),
          runtime.containerStatus(slot.container).catch(() => ({ status: 'unknown', error: null })),
        ]);
        return { name: slot.name, provider: 'container', image: slot.image.raw, image_status: image, container: slot.container, container_status: container.status, container_error: container.error };
      }),
    );
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }),
  };
}
