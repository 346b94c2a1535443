// Test-only: the real engine behind the element tests' "real" worlds (Node,
// loaded by web-test-runner.config.mjs). A podman system service with a
// local registry, the throttling proxy in front of it and the seeded `multi`
// image (tests/env/engines.mjs), started on the first request for a real
// world and stopped by the runner's serverStop hook — or, should the runner
// die first, by the environment's own exit and signal hooks. A real world is
// a slotpull app on that engine with one slot, "multi", pulling through the
// proxy; its controls remove the image, set the proxy's rate, wait until the
// engine has stopped fetching, and run the slot's container (busybox) to
// signal and remove it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEngineEnv } from '../../env/engines.mjs';
import { engineRequest } from '../../env/unix-http.mjs';

const dist = new URL('../../../dist/server/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('runtimes/engine/engine.js', dist)))) {
  throw new Error('element tests need the compiled server: run `npm run build` first (dist/server/runtimes/engine/engine.js is missing)');
}
const { connectEngine } = await import(new URL('runtimes/engine/engine.js', dist).href);
const { parseEngineEndpoint } = await import(new URL('core/engine-endpoint.js', dist).href);

/** The seeded image the real worlds pull: ~16 MB in 3 layers. */
const IMAGE = 'multi';
/** The seeded image the slot's container runs. */
const BOX = 'busybox';
/** The container of the real worlds' one slot ("slot-" and the slot's name). */
const CONTAINER = `slot-${IMAGE}`;
/**
 * The container's program: it runs until it gets SIGUSR1, then exits with
 * code 3 by itself — a crash at the moment a test chooses.
 */
const CRASH_ON_USR1 = 'trap "exit 3" USR1; while :; do sleep 0.1; done';
/** podman here runs containers with runc and these limits (tests/env/README.md). */
const RUN_FLAGS = ['--network=none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
/** Waiting for the engine to drop its registry requests after a cancel. */
const IDLE_TIMEOUT_MS = 10_000;
/** The proxy has no event for "no request open": its counters are read this often. */
const IDLE_POLL_MS = 50;

/**
 * The real engine, started lazily. `rate` is the proxy's pace per response
 * body (bytes/s) when it starts: slow enough that podman, which reports
 * bytes about once a second per layer, shows progress. `log` gets the
 * environment's start steps (default: stderr when SLOTPULL_ENV_DEBUG is set).
 * @param {{ rate: number, log?: (line: string) => void }} options
 */
export function createRealEngine({ rate, log }) {
  /** @type {Promise<{ env: import('../../env/engines.d.mts').EngineEnv, engine: any }> | null} */
  let starting = null;
  let stopped = false;

  function ready() {
    if (stopped) return Promise.reject(new Error('the real engine has been stopped'));
    starting ??= (async () => {
      const env = await startEngineEnv({ engines: ['podman'], images: [IMAGE, BOX], rate, log });
      try {
        const engine = await connectEngine(parseEngineEndpoint(env.podman.socket));
        return { env, engine };
      } catch (error) {
        await env.stop();
        throw error;
      }
    })();
    return starting;
  }

  /**
   * What a real world needs: its runtime, its slots file, what the browser
   * may know about the engine and image, and its controls.
   * @param {{ engine?: string }} options
   */
  async function world(options) {
    if (options.engine !== 'podman') throw new Error(`no real engine "${options.engine}" (only podman)`);
    const { env, engine } = await ready();
    const image = env.images[IMAGE];
    const podman = env.podman;
    const removeContainer = () => env.run('podman', ['rm', '-f', '--ignore', CONTAINER]);
    const stats = () => {
      const { activeRequests, bytes, rate: now } = env.proxy.stats();
      return { activeRequests, bytes, rate: now };
    };
    return {
      runtime: engine,
      slots: { slots: [{ name: IMAGE, provider: 'container', image: image.proxyRef }] },
      info: {
        name: engine.name,
        version: engine.version,
        image: { ref: image.proxyRef, layers: image.layers.length, totalSize: image.totalSize },
      },
      /** @param {string} action @param {any} body @returns {Promise<[number, unknown]> | undefined} */
      control(action, body) {
        switch (action) {
          case 'remove-image':
            // Forced, and 404 when it is not there: either way it is missing now.
            return engineRequest({ socket: podman.socket, method: 'DELETE', path: `/images/${image.proxyRef}?force=1` }).then((answer) =>
              answer.status === 200 || answer.status === 404 ? [200, { removed: answer.status === 200 }] : [500, { error: answer.text }],
            );
          case 'proxy-rate':
            env.proxy.setRate(Number(body.bps));
            env.proxy.resetStats();
            return Promise.resolve([200, stats()]);
          case 'engine-idle':
            return waitIdle(env.proxy).then((idle) => [idle ? 200 : 408, stats()]);
          case 'run-container':
            // Started detached from the registry's busybox; it crashes (exit 3) on SIGUSR1.
            return removeContainer()
              .then(() => env.run('podman', ['run', '-d', '--name', CONTAINER, ...RUN_FLAGS, env.images[BOX].ref, 'sh', '-c', CRASH_ON_USR1]))
              .then(() => [200, { container: CONTAINER }]);
          case 'crash-container':
            return env.run('podman', ['kill', '--signal', 'USR1', CONTAINER]).then(() => [200, { container: CONTAINER }]);
          case 'remove-container':
            return removeContainer().then(() => [200, { container: CONTAINER }]);
          default:
            return undefined;
        }
      },
    };
  }

  return {
    world,
    /** Stops the engine environment if it was started (or is starting); idempotent. */
    async stop() {
      stopped = true;
      if (starting === null) return;
      const started = await starting.catch(() => null); // a failed start has cleaned up after itself
      await started?.env.stop();
    },
  };
}

/** Resolves true once the proxy has no request open to the registry, false after IDLE_TIMEOUT_MS. */
async function waitIdle(proxy) {
  const deadline = Date.now() + IDLE_TIMEOUT_MS;
  while (proxy.stats().activeRequests > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
  }
  return true;
}
