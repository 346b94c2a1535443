// Test-only server side of the element tests (Node, loaded by
// web-test-runner.config.mjs). Each "world" is a real slotpull app (the
// compiled server from `npm run build`) on the demo runtime with its own
// seed, speed and slots, so tests do not see each other's pulls. A world is
// reached under /__test/worlds/<id>/ (its base URL); the controls beside it
// let a test drop streams, refuse them, restart the server (which forgets its
// jobs), and count EventSource connections at the server. A world's
// `allowOrigin` is the server's own CORS (`access.allowOrigins`, what
// --allow-origin sets); `token`, `protectReads` and `allowedHosts` are the
// rest of its access rules (--token, --protect-reads, the loopback Host
// check), and its refusals are logged for the `refusals` control. A world
// created with `late: true` is served alone on a port of its own (its base
// URL the server's root, like a real slotpull), which is closed until the
// `start-late` control: a server that is down when the page loads. A world
// created with
// `engine: 'podman'` runs on the real engine of real-engine.mjs instead
// (started on first use); its own controls are that module's.
import { getRequestListener } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../../dist/server/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('http/app.js', dist)))) {
  throw new Error('element tests need the compiled server: run `npm run build` first (dist/server/http/app.js is missing)');
}
const { createSlotpull } = await import(new URL('http/app.js', dist).href);
const { createDemoRuntime } = await import(new URL('runtimes/demo.js', dist).href);
const { validateSlotsFile } = await import(new URL('config/schema.js', dist).href);
const { demoSlotsFile } = await import(new URL('config/demo.js', dist).href);
const { systemClock } = await import(new URL('runtimes/system-clock.js', dist).href);
const { PullHistory } = await import(new URL('core/history/pull-history.js', dist).href);

/** The bundle and the translations it imports, served by the real app (also to element tests that load the sources: language.ts asks beside itself, at /elements/). */
export const isElementsAsset = (path) => path === '/elements/slotpull.js' || path.startsWith('/elements/translations/');
const WORLD_PATH = /^\/__test\/worlds\/(\d+)(\/.*)?$/;
const EVENT_STREAM_PATH = /^\/api\/(events|slots\/[^/]+\/pull\/stream)(\?|$)/;
const DEFAULT_SEED = 7;
const DEFAULT_SPEED = 10;

/**
 * Creates the worlds and the one handler that serves them (on any number of servers).
 * `realEngine` (real-engine.mjs) serves worlds created with an `engine` option.
 */
export function createWorlds({ realEngine = null } = {}) {
  const worlds = new Map();
  let nextId = 0;

  /** `real`: a real engine's runtime, slots, info and controls (real-engine.mjs); null for the demo runtime. */
  function createWorld(
    { seed = DEFAULT_SEED, speed = DEFAULT_SPEED, slots = demoSlotsFile, allowOrigin = null, failInspect = false, token = null, protectReads = false, allowedHosts = null, pulls = [] } = {},
    real = null,
  ) {
    const config = validateSlotsFile(real?.slots ?? slots, 'test world');
    if (!config.ok) throw new Error(config.problems.join('\n'));
    const id = nextId++;
    let jobs = 0;
    const refusals = [];
    // The simulated engine runs on its own clock, which a test can pause to hold a pull in one state.
    const engineClock = real === null ? pausableClock(systemClock) : null;
    /** A slotpull app as a server start makes it: a fresh demo engine and history, no job known. */
    const start = () => {
      const demo = real === null ? createDemoRuntime({ clock: engineClock, seed, speedFactor: speed }) : null;
      const runtime = real !== null
        ? real.runtime
        : failInspect
          ? { ...demo, inspectImage: async () => Promise.reject(new Error('the test made this engine unreachable')) }
          : demo;
      const slotpull = createSlotpull({
        slots: config.slots,
        runtime,
        clock: systemClock,
        newJobId: () => `p_w${id}_${++jobs}`,
        version: 'test',
        access: { allowOrigins: allowOrigin === null ? [] : [allowOrigin], token, protectReads, allowedHosts },
        logRefusal: (line) => refusals.push(line),
        history: historyOf(pulls, runtime.name, id),
      });
      return { slotpull, listener: getRequestListener(slotpull.app.fetch, { overrideGlobalObjects: false }) };
    };
    const world = {
      id,
      start,
      ...start(),
      streams: new Set(),
      opened: 0,
      refused: 0,
      refuseNext: 0,
      engineClock,
      real,
      /** Resolvers waiting for the number of open streams to reach a count. */
      openWaiters: new Set(),
      refusals,
      /** For a `late` world: its own server and the port it will listen on once started. */
      late: null,
    };
    worlds.set(id, world);
    return world;
  }

  const defaultWorld = createWorld();

  async function control(world, action, req, res) {
    if (world.real !== null) {
      if (action === 'pause-engine' || action === 'resume-engine') return json(res, 400, { error: `${action}: a real engine runs on its own time` });
      const answer = world.real.control(action, await readJson(req));
      if (answer !== undefined) {
        const [status, body] = await answer;
        return json(res, status, body);
      }
    }
    switch (action) {
      case 'drop-streams': {
        const dropped = world.streams.size;
        for (const stream of world.streams) stream.destroy();
        return json(res, 200, { dropped });
      }
      case 'refuse-streams': {
        const { count = 1 } = await readJson(req);
        world.refuseNext = count;
        return json(res, 200, { refuseNext: count });
      }
      case 'restart': {
        // The server stops (its streams end, its pulls with it, no terminal frame sent) and starts again
        // knowing no job, as one started with --state-dir none: a pull the page saw has vanished.
        world.slotpull.close();
        for (const stream of world.streams) stream.destroy();
        Object.assign(world, world.start());
        return json(res, 200, { restarted: true });
      }
      case 'stats':
        return json(res, 200, stats(world));
      case 'refusals':
        return json(res, 200, { lines: world.refusals });
      case 'start-late': {
        if (world.late === null) return json(res, 400, { error: 'start-late: this world was not created late' });
        if (!world.late.server.listening) await new Promise((resolve) => world.late.server.listen(world.late.port, '127.0.0.1', resolve));
        return json(res, 200, { base: world.late.base });
      }
      case 'pause-engine':
        world.engineClock.pause();
        return json(res, 200, { paused: true });
      case 'resume-engine':
        world.engineClock.resume();
        return json(res, 200, { paused: false });
      case 'wait-open': {
        // Answers once the server has exactly `count` open event streams (event-driven, not polled).
        const { count = 0, ms = 10_000 } = await readJson(req);
        const reached = await new Promise((resolve) => {
          if (world.streams.size === count) return resolve(true);
          const waiter = { count, resolve };
          world.openWaiters.add(waiter);
          setTimeout(() => {
            world.openWaiters.delete(waiter);
            resolve(false);
          }, ms);
        });
        return json(res, reached ? 200 : 408, stats(world));
      }
      default:
        return json(res, 404, { error: `no control "${action}"` });
    }
  }

  function serveWorld(world, rest, req, res) {
    if (EVENT_STREAM_PATH.test(rest) && req.method === 'GET') {
      if (world.refuseNext > 0) {
        world.refuseNext -= 1;
        world.refused += 1;
        return json(res, 503, { error: { code: 'test.refused', message: 'refused by the test' } });
      }
      world.opened += 1;
      world.streams.add(res);
      notifyOpen(world);
      res.on('close', () => {
        world.streams.delete(res);
        notifyOpen(world);
      });
    }
    req.url = rest;
    return world.listener(req, res);
  }

  /** Handles /__test/…, /elements/slotpull.js and the translations beside it; returns false for anything else. */
  function handle(req, res) {
    const url = new URL(req.url, 'http://test.invalid');
    if (isElementsAsset(url.pathname)) {
      serveWorld(defaultWorld, req.url, req, res);
      return true;
    }
    if (url.pathname === '/__test/info') {
      json(res, 200, { crossOrigin: crossOriginBase });
      return true;
    }
    if (url.pathname === '/__test/worlds' && req.method === 'POST') {
      readJson(req)
        .then(async (options) => {
          if (options.late === true) return createLateWorld(options);
          if (options.engine === undefined) return createWorld(options);
          if (realEngine === null) throw new Error('no real engine is configured for the worlds');
          return createWorld(options, await realEngine.world(options));
        })
        .then(
          (world) => json(res, 201, { id: world.id, path: `/__test/worlds/${world.id}`, engine: world.real?.info ?? null, lateBase: world.late?.base ?? null }),
          (error) => json(res, 400, { error: String(error?.stack ?? error) }),
        );
      return true;
    }
    const match = WORLD_PATH.exec(url.pathname);
    if (match === null) return false;
    const world = worlds.get(Number(match[1]));
    if (world === undefined) {
      json(res, 404, { error: `no world ${match[1]}` });
      return true;
    }
    const rest = (match[2] ?? '/') + url.search;
    const control_ = /^\/__control\/([a-z-]+)$/.exec(match[2] ?? '');
    if (control_ !== null) {
      control(world, control_[1], req, res).catch((error) => json(res, 500, { error: String(error) }));
      return true;
    }
    serveWorld(world, rest, req, res);
    return true;
  }

  /** A world that will be served alone on a port of its own, not listening yet (a free port, found by listening once). */
  async function createLateWorld(options) {
    const world = createWorld(options);
    const server = createServer((req, res) => serveWorld(world, req.url, req, res));
    const probe = createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    world.late = { server, port, base: `http://127.0.0.1:${port}` };
    return world;
  }

  // The second origin: the same worlds on another port (a page elsewhere embedding the bundle).
  let crossOriginBase = null;
  const crossServer = createServer((req, res) => {
    if (!handle(req, res)) json(res, 404, { error: 'not a test route' });
  });

  return {
    handle,
    async start() {
      await new Promise((resolve) => crossServer.listen(0, '127.0.0.1', resolve));
      crossOriginBase = `http://127.0.0.1:${crossServer.address().port}`;
    },
    async stop() {
      for (const world of worlds.values()) {
        for (const stream of world.streams) stream.destroy();
        world.slotpull.close();
        if (world.late?.server.listening) {
          world.late.server.closeAllConnections();
          await new Promise((resolve) => world.late.server.close(resolve));
        }
      }
      crossServer.closeAllConnections();
      await new Promise((resolve) => crossServer.close(resolve));
    },
  };
}

function stats(world) {
  return { open: world.streams.size, opened: world.opened, refused: world.refused };
}

function notifyOpen(world) {
  for (const waiter of world.openWaiters) {
    if (waiter.count !== world.streams.size) continue;
    world.openWaiters.delete(waiter);
    waiter.resolve(true);
  }
}

/**
 * A Clock over `base` whose timers can be held: while paused, a timer that
 * comes due waits, and resume() lets it run (with what was left of its delay).
 */
function pausableClock(base) {
  let paused = false;
  const held = new Set();
  const timers = new Map();
  let nextHandle = 1;
  const arm = (handle, entry, ms) => {
    entry.due = base.now() + ms;
    entry.real = base.setTimeout(() => {
      entry.real = null;
      if (paused) return held.add(handle);
      timers.delete(handle);
      entry.callback();
    }, ms);
  };
  return {
    now: () => base.now(),
    setTimeout(callback, ms) {
      const handle = nextHandle++;
      const entry = { callback, due: 0, real: null };
      timers.set(handle, entry);
      arm(handle, entry, ms);
      return handle;
    },
    clearTimeout(handle) {
      const entry = timers.get(handle);
      if (entry === undefined) return;
      if (entry.real !== null) base.clearTimeout(entry.real);
      timers.delete(handle);
      held.delete(handle);
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const handle of [...held]) {
        held.delete(handle);
        const entry = timers.get(handle);
        if (entry !== undefined) arm(handle, entry, 0);
      }
    },
  };
}

/** Test controls answer any origin: a page on the other port drives its worlds too. */
/** A history in memory holding `pulls` (each `{ slots, image, endedAgoMs, durationS, bytes? }`), all completed. */
function historyOf(pulls, runtime, worldId) {
  const history = new PullHistory({ now: () => systemClock.now() });
  pulls.forEach(({ slots, image, endedAgoMs, durationS, bytes = 1_000_000_000 }, i) => {
    const id = `p_w${worldId}_past${i}`;
    const finishedAt = systemClock.now() - endedAgoMs;
    history.start({ id, image, runtime, slots, started_at: finishedAt - durationS * 1000 });
    history.finish({ id, state: 'completed', error_code: null, error: null, finished_at: finishedAt, bytes_done: bytes, bytes_total: bytes });
  });
  return history;
}

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
  res.end(JSON.stringify(body));
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text === '' ? {} : JSON.parse(text);
}
