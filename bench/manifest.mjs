// `node bench/manifest.mjs [runs]` (after `npm run build`): how soon the
// manifest reader (server/runtimes/registry/) knows an image's layers and
// exact sizes, beside a real pull through the throttling proxy at 8 MB/s,
// against when the engine's own stream first names a layer and first gives a
// byte total. Both start at the same instant, as the pull loop will start
// them. Also: the reader alone, straight to the registry and through the
// proxy. Prints medians (min–max) in ms; not a part of `npm run bench`.
import { openEngineRequest, engineRequest } from '../tests/env/unix-http.mjs';
import { log, median, server } from './lib/common.mjs';
import { engineEnv, stopEnv } from './lib/engine-env.mjs';

const RATE_BPS = 8_000_000;
/** A pull is cut off after this long: the figures of interest come in its first seconds. */
const PULL_CAP_MS = 8000;
const READER_ONLY_RUNS = 30;
const runs = Number(process.argv[2] ?? 3);

const env = await engineEnv();
try {
  const { createManifestReader } = await server('runtimes/registry/reader.js');
  const { parseImageReference } = await server('core/reference.js');
  const read = createManifestReader();
  const rows = [];

  for (const via of ['registry', 'proxy']) {
    await env.proxy.setRate(0);
    const times = [];
    for (let i = 0; i < READER_ONLY_RUNS; i++) {
      const ref = parseImageReference(via === 'proxy' ? env.images.multi.proxyRef : env.images.multi.ref);
      const t0 = performance.now();
      const result = await read(ref);
      if (!result.ok) throw new Error(result.reason);
      times.push(performance.now() - t0);
    }
    rows.push([`reader alone, ${via}`, 'multi', summary(times), '', '']);
  }

  await env.proxy.setRate(RATE_BPS);
  for (const engine of [env.podman, env.docker]) {
    for (const name of ['multi', 'big']) {
      const image = env.images[name];
      const known = [];
      const named = [];
      const totals = [];
      for (let i = 0; i < runs; i++) {
        await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${image.proxyRef}?force=1` });
        const timing = await timedPull(engine, image, () => read(parseImageReference(image.proxyRef)));
        known.push(timing.known);
        if (timing.named !== null) named.push(timing.named);
        if (timing.total !== null) totals.push(timing.total);
        await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${image.proxyRef}?force=1` });
      }
      rows.push([`${engine.name} pull @ 8 MB/s`, name, summary(known), summary(named), `${summary(totals)} (${totals.length}/${runs} runs)`]);
    }
  }
  const header = ['case', 'image', 'manifest layers known', 'engine names a layer', 'engine gives a byte total'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}\n`);
} finally {
  await stopEnv();
}

/** Starts the engine pull and the reader together; ms from then to each event (null: never within the cap). */
async function timedPull(engine, image, readLayers) {
  const t0 = performance.now();
  const reading = readLayers().then((result) => {
    if (!result.ok) throw new Error(result.reason);
    return performance.now() - t0;
  });
  const query = new URLSearchParams({ fromImage: image.proxyRef.replace(/:[^:/]+$/, ''), tag: image.tag });
  const controller = new AbortController();
  const cap = setTimeout(() => controller.abort(), PULL_CAP_MS);
  let named = null;
  let total = null;
  try {
    const response = await openEngineRequest({ socket: engine.socket, method: 'POST', path: `/images/create?${query}`, signal: controller.signal });
    let carry = '';
    for await (const chunk of response) {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop();
      for (const line of lines) {
        if (line.trim() === '') continue;
        const event = JSON.parse(line);
        if (event.error) throw new Error(`${engine.name}: ${event.error}`);
        if (named === null && event.status === 'Pulling fs layer') named = performance.now() - t0;
        if (total === null && event.progressDetail?.total > 0) total = performance.now() - t0;
      }
      if (total !== null) controller.abort();
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(cap);
  }
  return { known: await reading, named, total };
}

function summary(values) {
  if (values.length === 0) return 'never';
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(sorted).toFixed(1)} (${sorted[0].toFixed(1)}–${sorted.at(-1).toFixed(1)})`;
}

log('manifest bench: done');
