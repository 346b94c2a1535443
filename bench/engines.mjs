// Part 6, engines: one slotpull over 20 engines × 50 slots — the real ones
// of tests/env (podman and dockerd on their sockets, dockerd over TLS and
// over ssh through a real sshd) and 16 STAND-INS (bench/lib/stand-in-engines.mjs,
// small HTTP servers in a process of their own that answer as an empty
// engine would; named as such). Every engine request is counted at the
// transport. Measured: cold and warm GET /api/slots; engine requests per 2 s
// while a dashboard lists every 100 ms; and that same listing while one
// stand-in hangs (accepts every request and never answers), once a listing
// has found it slow, against the listing with no engine hanging, in
// alternating phases; and that finding listing apart.
import { join } from 'node:path';
import { startSshd } from '../tests/env/sshd.mjs';
import { BENCH_DIR, load, log, median, percentile, ratio, round, server, sleep, sortNumbers } from './lib/common.mjs';
import { startChild } from './lib/child.mjs';
import { engineEnv, requestKind, slotpullServer, slotsFrom } from './lib/engine-env.mjs';

export const ENGINES_DEFAULTS = {
  standIns: 16,
  slotsPerEngine: 50,
  /** Distinct images per engine (the first `present` are there, the rest missing); containers that exist per engine. */
  images: 5,
  present: 3,
  containers: 5,
  rounds: 8,
  /** A dashboard listing every `gapMs` for `phaseMs`, per phase. */
  phaseMs: 4200,
  gapMs: 100,
  /** Phases without and with the hanging engine, each; in ABBA order. */
  hangPhases: 4,
  target: { hang_to_normal_median: 1.2 },
};

/** Real engine images: present ones pulled first, missing ones removed. */
const REAL_PRESENT = ['tiny', 'base-a', 'busybox'];
const REAL_MISSING = ['multi', 'base-b'];

export async function runEngines(overrides = {}) {
  const p = { ...ENGINES_DEFAULTS, ...overrides };
  const env = await engineEnv();
  const loadStart = load();
  const { createNamedEngine } = await server('runtimes/engine/named-engine.js');
  const { connectEngine } = await server('runtimes/engine/engine.js');
  const { engineFetch } = await server('runtimes/engine/transport.js');
  const { parseEngineEndpoint } = await server('core/engine-endpoint.js');
  const { resolveEngine } = await server('runtimes/engine/resolve.js');
  const { systemClock } = await server('runtimes/system-clock.js');

  for (const engine of ['podman', 'docker']) {
    for (const name of REAL_PRESENT) await env.run(engine, ['pull', env.images[name].ref]);
    for (const name of REAL_MISSING) await env.run(engine, ['rmi', '-f', env.images[name].ref], { allowFailure: true });
  }
  const sshd = await startSshd({ environment: { DOCKER_HOST: env.docker.socket } });
  const standIns = await startChild(join(BENCH_DIR, 'lib', 'stand-in-engines.mjs'), { env: { ...process.env, STAND_INS: String(p.standIns), STAND_IN_CONTAINERS: String(p.containers) } });
  const engines = [];
  try {
    const { ca, cert, key, address } = env.docker.tls;
    const real = [
      { label: 'podman', kind: 'real', endpoint: parseEngineEndpoint(env.podman.socket), images: realImages(env) },
      { label: 'dockerd', kind: 'real', endpoint: parseEngineEndpoint(env.docker.socket), images: realImages(env) },
      { label: 'dockerd-tls', kind: 'real', endpoint: await resolveEngine({ address, tls: { ca, cert, key }, sshConfig: null }, { env: {}, allowPlainTcp: false }), images: realImages(env) },
      { label: 'dockerd-ssh', kind: 'real', endpoint: await resolveEngine({ address: sshd.address, tls: null, sshConfig: sshd.config }, { env: {}, allowPlainTcp: false }), images: realImages(env) },
    ];
    const stand = standIns.ready.ports.map((port, i) => ({
      label: `stand-in-${String(i + 1).padStart(2, '0')}`,
      kind: 'stand-in',
      endpoint: parseEngineEndpoint(`tcp://127.0.0.1:${port}`),
      images: Array.from({ length: p.images }, (_, k) => `127.0.0.1:5000/stand-in/${k < p.present ? 'present' : 'missing'}-${k}:1`),
    }));
    const all = [...real, ...stand];
    /** Requests per engine, with times, counted at the transport. */
    const journal = [];
    for (const [index, spec] of all.entries()) {
      const inner = engineFetch(spec.endpoint, { ssh: { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } } });
      const fetch = (path, init) => {
        journal.push([index, requestKind(init?.method ?? 'GET', path), performance.now()]);
        return inner(path, init);
      };
      fetch.close = () => inner.close?.();
      const named = createNamedEngine(spec.label, spec.endpoint, systemClock, { fetch });
      engines.push(named);
      spec.index = index;
      spec.name = `e${String(index).padStart(2, '0')}`;
    }
    const connected = await Promise.allSettled(engines.map((engine) => engine.connect()));
    const down = connected.flatMap((result, i) => (result.status === 'rejected' ? [`${all[i].label}: ${result.reason.message}`] : []));
    if (down.length > 0) throw new Error(`engines: not every engine answered: ${down.join('; ')}`);
    for (const spec of real.slice(0, 2)) {
      const cli = spec.label === 'podman' ? 'podman' : 'docker';
      for (let i = 0; i < p.containers; i += 1) {
        await env.run(cli, ['create', '--name', `slot-${spec.name}-s${String(i).padStart(3, '0')}`, '--network', 'none', env.images.busybox.ref], { allowFailure: true });
      }
    }
    const slotsFile = {
      engines: Object.fromEntries(all.map((spec) => [spec.name, 'unix:///stand-in-not-used.sock'])),
      slots: all.flatMap((spec) =>
        Array.from({ length: p.slotsPerEngine }, (_, i) => ({ name: `${spec.name}-s${String(i).padStart(3, '0')}`, provider: 'container', image: spec.images[i % spec.images.length], engine: spec.name })),
      ),
    };
    const slots = await slotsFrom(slotsFile, 'engines');
    const fallback = await connectEngine(parseEngineEndpoint(env.podman.socket));
    const enginesByName = new Map(all.map((spec) => [spec.name, engines[spec.index]]));
    const slotpull = await slotpullServer(fallback, slots, { engines: enginesByName });
    const total = slots.length;
    log(`engines: ${all.length} engines (${real.length} real, ${stand.length} stand-ins) × ${p.slotsPerEngine} slots = ${total} slots`);

    const list = async () => {
      const t0 = performance.now();
      const res = await fetch(`${slotpull.base}/api/slots`);
      const body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200 || body.length !== total) throw new Error(`GET /api/slots answered ${res.status} with ${body.length} slots`);
      return { ms, body };
    };

    // Cold (a fresh slotpull over the connected engines: empty caches) and warm (right after).
    const cold = [];
    const warm = [];
    const coldRequests = [];
    for (let round = 0; round < p.rounds; round += 1) {
      slotpull.renew();
      const before = journal.length;
      cold.push((await list()).ms);
      coldRequests.push(journal.length - before);
      warm.push((await list()).ms);
    }

    /** A dashboard listing every gapMs for phaseMs: listing times and the requests sent meanwhile. */
    const phase = async () => {
      const from = journal.length;
      const t0 = performance.now();
      const times = [];
      let last;
      while (performance.now() - t0 < p.phaseMs) {
        last = await list();
        times.push(last.ms);
        await sleep(p.gapMs);
      }
      const seconds = (performance.now() - t0) / 1000;
      return { times, seconds, requests: journal.slice(from), last: last.body };
    };

    const hung = stand.at(-1);
    const hungSlot = `${hung.name}-s000`;
    const hungState = async () => (await list()).body.find((slot) => slot.name === hungSlot)?.image_status;
    const normal = [];
    const hanging = [];
    const detections = [];
    /** One phase with the stand-in hanging: found slow first (that listing apart), then measured, then answering again. */
    const hangPhase = async () => {
      await standIns.call('hang', { index: p.standIns - 1, on: true });
      // Listed as the dashboard does until its slots show unknown, image and container both: the reads
      // that found it slow each held one listing for the budget; the longest listing meanwhile is reported.
      const found = performance.now();
      let longest = 0;
      for (;;) {
        const { ms, body } = await list();
        longest = Math.max(longest, ms);
        const slot = body.find((entry) => entry.name === hungSlot);
        if (slot?.image_status === 'unknown' && slot.container_status === 'unknown') {
          detections.push({ listing_ms: longest, after_ms: performance.now() - found });
          break;
        }
        await sleep(p.gapMs);
      }
      hanging.push(await phase());
      await standIns.call('hang', { index: p.standIns - 1, on: false });
      // Back before the next phase: its slots read known again.
      const deadline = performance.now() + 30_000;
      while ((await hungState()) === 'unknown') {
        if (performance.now() > deadline) throw new Error(`engines: ${hung.label} did not come back within 30 s`);
        await sleep(p.gapMs);
      }
    };
    slotpull.renew();
    await list();
    // ABBA: without, with, with, without, … so neither side is always the later one.
    for (let i = 0; i < 2 * p.hangPhases; i += 1) {
      const withoutHang = i % 4 === 0 || i % 4 === 3;
      if (withoutHang) normal.push(await phase());
      else await hangPhase();
    }
    const unknownWhileHanging = hanging.at(-1).last.filter((slot) => slot.image_status === 'unknown').map((slot) => slot.name);

    const stats = (values) => {
      const sorted = sortNumbers(values);
      return { median_ms: round(median(values), 1), p95_ms: round(percentile(sorted, 95), 1), samples: values.length };
    };
    const perTwoSeconds = (phases, filter = () => true) => {
      const requests = phases.flatMap((ph) => ph.requests.filter(filter));
      const seconds = phases.reduce((sum, ph) => sum + ph.seconds, 0);
      return round(requests.length / (seconds / 2), 1);
    };
    /** The most requests one engine got in any 2 s window. */
    const busiest = (phases) => {
      let most = 0;
      for (const ph of phases) {
        const byEngine = new Map();
        for (const [index, , at] of ph.requests) byEngine.set(index, [...(byEngine.get(index) ?? []), at]);
        for (const times of byEngine.values()) {
          for (let i = 0, j = 0; i < times.length; i += 1) {
            while (times[i] - times[j] >= 2000) j += 1;
            most = Math.max(most, i - j + 1);
          }
        }
      }
      return most;
    };
    const normalTimes = normal.flatMap((ph) => ph.times);
    const hangTimes = hanging.flatMap((ph) => ph.times);
    const result = {
      parameters: { ...p, engines: all.map((spec) => `${spec.label} (${spec.kind})`), slots: total, hung: hung.label },
      load: { start: loadStart, end: load() },
      cold: { ...stats(cold), engine_requests: median(coldRequests) },
      warm: stats(warm),
      steady: {
        engine_requests_per_2s: perTwoSeconds(normal),
        most_requests_one_engine_any_2s: busiest(normal),
        listings: normalTimes.length,
      },
      normal: stats(normalTimes),
      hanging: {
        ...stats(hangTimes),
        detection_ms: detections.map((d) => round(d.listing_ms)),
        detected_after_ms: detections.map((d) => round(d.after_ms)),
        requests_to_hung_engine_per_2s: perTwoSeconds(hanging, ([index]) => index === hung.index),
        engine_requests_per_2s: perTwoSeconds(hanging),
        unknown_slots: unknownWhileHanging.length,
        unknown_only_its_own: unknownWhileHanging.every((name) => name.startsWith(`${hung.name}-`)),
      },
      hang_to_normal_median: ratio(median(hangTimes), median(normalTimes)),
      hang_to_normal_p95: ratio(percentile(sortNumbers(hangTimes), 95), percentile(sortNumbers(normalTimes), 95)),
    };
    result.targets = {
      hang_to_normal_median: { target: p.target.hang_to_normal_median, value: result.hang_to_normal_median, met: result.hang_to_normal_median !== null && result.hang_to_normal_median <= p.target.hang_to_normal_median },
    };
    log(`engines: cold ${result.cold.median_ms} ms, warm ${result.warm.median_ms} ms, ${result.steady.engine_requests_per_2s} engine requests per 2 s; listing ${result.normal.median_ms} ms normal vs ${result.hanging.median_ms} ms with ${hung.label} hanging (×${result.hang_to_normal_median})`);
    await slotpull.close();
    fallback.close();
    return result;
  } finally {
    for (const engine of engines) engine.close();
    await standIns.stop();
    await sshd.stop();
    const made = (engine) => Array.from({ length: p.containers }, (_, i) => `slot-${engine}-s${String(i).padStart(3, '0')}`);
    await env.run('podman', ['rm', '-f', ...made('e00')], { allowFailure: true });
    await env.run('docker', ['rm', '-f', ...made('e01')], { allowFailure: true });
  }
}

function realImages(env) {
  return [...REAL_PRESENT, ...REAL_MISSING].map((name) => env.images[name].ref);
}
