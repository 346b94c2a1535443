#!/usr/bin/env node
// `npm run record-fixtures [-- OUT_DIR]`: starts the real-engine environment,
// records fresh raw pull streams from podman and dockerd over the compat API
// (`POST /v<api>/images/create`) through the throttling proxy, writes them to
// OUT_DIR (default tests/fixtures/recorded/) with a README.md index, and
// stops. Each file is timed lines `<epoch seconds> <line>`: the status line
// and headers, an empty line, then the body lines as they arrived — the
// layout of tests/fixtures/*.timed.txt. Needs root and the engines (see
// tests/env/README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startEngineEnv } from './engines.mjs';
import { engineRequest, openEngineRequest } from './unix-http.mjs';

const DEFAULT_OUT = fileURLToPath(new URL('../fixtures/recorded/', import.meta.url));
const MB = 1_000_000;
/** "Mid-pull" = this much of the watched blob went through the proxy. */
const MID_PULL_BYTES = 512 * 1024;
const POLL_MS = 50;
const MID_PULL_TIMEOUT_MS = 30_000;

/**
 * @typedef {import('./engines.d.mts').EngineEnv} EngineEnv
 * @typedef {import('./engines.d.mts').EngineInfo} EngineInfo
 * @typedef {import('./engines.d.mts').SeededImage} SeededImage
 * @typedef {{ slug: string, note: string,
 *   run: (env: EngineEnv, engine: EngineInfo) => Promise<{ timed: string[], path: string }> }} Scenario
 * @typedef {{ rate: number, fresh?: boolean, before?: () => Promise<void>,
 *   during?: () => Promise<void>, after?: () => Promise<void> }} RecordOptions
 */

/** @type {Scenario[]} in this order: "present" and "shared" rely on the scenario before them */
const SCENARIOS = [
  {
    slug: 'multi-4MBps', note: 'missing image, 3 layers (3/5/8 MiB), 4 MB/s',
    run: (env, engine) => record(env, engine, image(env, 'multi').proxyRef, { rate: 4 * MB, fresh: true }),
  },
  {
    slug: 'multi-present', note: 'the same image again, already present',
    run: (env, engine) => record(env, engine, image(env, 'multi').proxyRef, { rate: 4 * MB }),
  },
  {
    slug: 'big-40MBps', note: 'missing image, one 200 MiB layer, 40 MB/s',
    run: (env, engine) => record(env, engine, image(env, 'big').proxyRef, { rate: 40 * MB, fresh: true }),
  },
  {
    slug: 'base-a-4MBps', note: 'missing image, 2 layers (4 MiB base + 1 MiB), 4 MB/s',
    run: (env, engine) => record(env, engine, image(env, 'base-a').proxyRef, { rate: 4 * MB, fresh: true }),
  },
  {
    slug: 'base-b-shared-4MBps', note: 'missing image whose 4 MiB base layer came with base-a (pulled just before)',
    run: (env, engine) => record(env, engine, image(env, 'base-b').proxyRef, { rate: 4 * MB, fresh: true }),
  },
  {
    slug: 'notfound', note: 'missing tag (`slotpull/tiny:nope`)',
    run: (env, engine) => record(env, engine, image(env, 'tiny').proxyRef.replace(/:1$/, ':nope'), { rate: 0 }),
  },
  {
    slug: 'registry-down', note: 'proxy refusing connections from the start',
    run: (env, engine) => record(env, engine, image(env, 'tiny').proxyRef, {
      rate: 0, fresh: true,
      before: () => env.proxy.setDown(true),
      after: () => env.proxy.setDown(false),
    }),
  },
  {
    slug: 'killed-1MBps', note: 'proxy killed mid-pull (connections broken, then refused), 200 MiB layer at 1 MB/s',
    run: (env, engine) => record(env, engine, image(env, 'big').proxyRef, {
      rate: MB, fresh: true,
      during: async () => {
        await midPull(env, image(env, 'big'));
        await env.proxy.setDown(true);
      },
      after: () => env.proxy.setDown(false),
    }),
  },
  {
    slug: 'break-1MBps', note: 'connections broken once mid-pull (200 MiB layer at 1 MB/s), then unthrottled: podman fails, dockerd retries once with a Range request',
    run: (env, engine) => record(env, engine, image(env, 'big').proxyRef, {
      rate: MB, fresh: true,
      during: async () => {
        await midPull(env, image(env, 'big'));
        env.proxy.breakAll();
        env.proxy.setRate(0);
      },
    }),
  },
];

/**
 * Pulls `ref` on `engine` (after removing it when `fresh`) and returns the
 * timed lines of the raw answer; `during` runs alongside the pull.
 * @param {EngineEnv} env @param {EngineInfo} engine @param {string} ref @param {RecordOptions} options
 */
async function record(env, engine, ref, { rate, fresh = false, before, during, after }) {
  if (fresh) await removeImage(engine, ref);
  env.proxy.setRate(rate);
  env.proxy.resetStats();
  await before?.();
  const at = ref.lastIndexOf(':');
  const path = `/v${engine.apiVersion}/images/create?fromImage=${encodeURIComponent(ref.slice(0, at))}&tag=${encodeURIComponent(ref.slice(at + 1))}`;
  /** @type {string[]} */
  const timed = [];
  const stamp = (/** @type {string} */ line) => timed.push(`${(Date.now() / 1000).toFixed(3)} ${line}`);
  const pulling = (async () => {
    const res = await openEngineRequest({ socket: engine.socket, method: 'POST', path });
    stamp(`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`);
    for (let i = 0; i < res.rawHeaders.length; i += 2) stamp(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
    stamp('');
    let partial = '';
    for await (const chunk of res) {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim() !== '') stamp(line.replace(/\r$/, ''));
    }
    if (partial.trim() !== '') stamp(partial);
  })();
  try {
    await Promise.all([pulling, during?.()]);
  } finally {
    await after?.();
  }
  return { ref, timed, path };
}

/** Removes `ref` from the engine so that the next pull starts from nothing (a 404 is fine). @param {EngineInfo} engine @param {string} ref */
async function removeImage(engine, ref) {
  const res = await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${ref}?force=1` });
  if (res.status !== 200 && res.status !== 404) throw new Error(`record-fixtures: DELETE /images/${ref} on ${engine.name}: HTTP ${res.status} ${res.text}`);
}

/** @param {EngineEnv} env @param {SeededImage} img */
async function midPull(env, img) {
  const digest = img.layers[0]?.digest ?? '';
  const deadline = Date.now() + MID_PULL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const bytes = Object.entries(env.proxy.stats().bytesByPath).filter(([p]) => p.endsWith(digest)).reduce((sum, [, n]) => sum + n, 0);
    if (bytes >= MID_PULL_BYTES) return;
    await sleep(POLL_MS);
  }
  throw new Error(`record-fixtures: ${img.name} did not reach ${MID_PULL_BYTES} bytes within ${MID_PULL_TIMEOUT_MS} ms`);
}

/** @param {EngineEnv} env @param {import('./engines.d.mts').ImageName} name */
function image(env, name) {
  const img = env.images[name];
  if (!img) throw new Error(`record-fixtures: image ${name} was not seeded`);
  return img;
}

/** `dockerd-20.10` / `podman-4.3-compat` */
function filePrefix(/** @type {EngineInfo} */ engine) {
  const majorMinor = engine.version.split('.').slice(0, 2).join('.');
  return engine.name === 'docker' ? `dockerd-${majorMinor}` : `podman-${majorMinor}-compat`;
}

async function main() {
  const out = resolve(process.argv[2] ?? DEFAULT_OUT);
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const env = await startEngineEnv({ images: ['tiny', 'multi', 'big', 'base-a', 'base-b'], log: (line) => process.stderr.write(`  ${line}\n`) });
  const rows = [];
  try {
    for (const engine of [env.podman, env.docker]) {
      if (!engine) continue;
      for (const scenario of SCENARIOS) {
        const file = `${filePrefix(engine)}-create-${scenario.slug}.timed.txt`;
        const t0 = performance.now();
        const { timed, path } = await scenario.run(env, engine);
        writeFileSync(join(out, file), `${timed.join('\n')}\n`);
        process.stderr.write(`${file}: ${timed.length} lines, ${Math.round(performance.now() - t0)} ms\n`);
        rows.push(`| ${file} | ${engine.name === 'docker' ? 'dockerd' : 'podman system service'} ${engine.version} | \`POST ${path.replace(/fromImage=[^&]*/, (m) => decodeURIComponent(m).replace(/127\.0\.0\.1:\d+/, '…'))}\` | ${scenario.note} |`);
      }
    }
  } finally {
    await env.stop();
  }
  writeFileSync(join(out, 'README.md'), [
    '# Recorded engine pull streams',
    '',
    `Recorded by \`npm run record-fixtures\` (tests/env/record-fixtures.mjs) on ${new Date().toISOString().slice(0, 10)}`,
    'from real engines pulling from a local `docker-registry` through the throttling',
    'proxy of tests/env/. Nothing here was written by hand. Each line is',
    '`<epoch seconds> <line>`: the HTTP status line and headers, an empty line, then',
    'the body lines as they arrived. Rates are per blob (each response body is paced).',
    '',
    '| file | engine | request | scenario |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'));
  process.stderr.write(`recorded ${rows.length} streams into ${out} in ${Math.round((performance.now() - started) / 1000)} s\n`);
}

await main();
