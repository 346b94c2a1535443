// The real-engine environment of tests/env (registry, throttling proxy,
// podman service, dockerd, seeded images) for parts 2–4, and slotpull on one
// of its engines with every engine request counted at the transport.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngineEnv } from '../../tests/env/engines.mjs';
import { log, server } from './common.mjs';
import { listen } from './http-server.mjs';

let envPromise;
/** The benchmark's own temp root around the env's dir (not /tmp/slotpull-*: others' cleanups must not hit it). */
let tmpRoot;
/** Removes the root once the env has removed its own dir in it; never deletes anything under it. */
const removeRoot = () => {
  const root = tmpRoot;
  tmpRoot = undefined;
  try {
    if (root !== undefined) rmdirSync(root);
  } catch {
    // Not empty: the env could not remove its dir (a stuck mount); left for a look.
  }
};

/** Starts the environment once (parts share it); `stopEnv` ends it. */
export function engineEnv() {
  envPromise ??= (async () => {
    log('engine env: starting registry, proxy, podman, dockerd and seeding images');
    const t0 = performance.now();
    tmpRoot = mkdtempSync(join(tmpdir(), 'spbench-'));
    let env;
    try {
      env = await startEngineEnv({ rate: 0, tmpRoot });
    } catch (error) {
      removeRoot();
      throw error;
    }
    // Registered after the env's own exit hook, so it runs after the env is gone.
    process.once('exit', removeRoot);
    log(`engine env: ready in ${Math.round(performance.now() - t0)} ms (podman ${env.podman.version}, dockerd ${env.docker.version})`);
    return env;
  })();
  return envPromise;
}

export async function stopEnv() {
  if (envPromise === undefined) return;
  const env = await envPromise.catch(() => undefined);
  envPromise = undefined;
  await env?.stop();
  removeRoot();
}

/** What kind of engine request a path is. */
export function requestKind(method, path) {
  if (path.startsWith('/images/create')) return 'pull';
  if (/^\/images\/.+\/json$/.test(path)) return 'image_inspect';
  if (/^\/containers\/json(?:\?|$)/.test(path)) return 'container_list';
  if (/^\/containers\/.+\/json$/.test(path)) return 'container_inspect';
  return 'other';
}

/**
 * An engine runtime (podman or dockerd of the env) whose transport counts
 * every request, via the `fetch` option of connectEngine.
 */
export async function countedEngine(info) {
  const { parseEngineEndpoint } = await server('core/engine-endpoint.js');
  const { connectEngine } = await server('runtimes/engine/engine.js');
  const { engineFetch } = await server('runtimes/engine/transport.js');
  const endpoint = parseEngineEndpoint(info.socket);
  const inner = engineFetch(endpoint);
  const counts = { pull: 0, image_inspect: 0, container_list: 0, container_inspect: 0, other: 0 };
  /** Every request: [kind, path, performance.now()], bounded. */
  const journal = [];
  const fetch = (path, init) => {
    const kind = requestKind(init?.method ?? 'GET', path);
    counts[kind] += 1;
    if (journal.length < 100_000) journal.push([kind, path, performance.now()]);
    return inner(path, init);
  };
  const runtime = await connectEngine(endpoint, { fetch });
  return {
    runtime,
    counts,
    journal,
    snapshot: () => ({ ...counts }),
    since: (before) => Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, value - before[key]])),
  };
}

/** Validated slots from a slots-file object. */
export async function slotsFrom(file, name) {
  const { validateSlotsFile } = await server('config/schema.js');
  const config = validateSlotsFile(file, name);
  if (!config.ok) throw new Error(config.problems.join('\n'));
  return config.slots;
}

/** slotpull's real app over `runtime`, created anew by `renew()` (fresh caches), served on 127.0.0.1. */
export async function slotpullServer(runtime, slots, options = {}) {
  const { createSlotpull } = await server('http/app.js');
  const { systemClock } = await server('runtimes/system-clock.js');
  const make = () =>
    createSlotpull({ slots, runtime, clock: systemClock, newJobId: () => `p_${randomUUID().replaceAll('-', '')}`, version: 'bench', ...options });
  let current = make();
  const http = await listen((request) => current.app.fetch(request));
  return {
    base: http.base,
    get slotpull() {
      return current;
    },
    renew() {
      current.close();
      current = make();
    },
    async close() {
      current.close();
      await http.close();
    },
  };
}
