// Element tests run in Debian's Chromium; nothing is downloaded.
// `npm test` runs this runner only once element tests exist (tests/run.sh),
// after `npm run build`: the real slotpull app (dist/server) is mounted here
// on the demo runtime, as "worlds" (tests/elements/support/worlds.mjs), and
// streams SSE unbuffered by writing the raw Node response. Worlds created with
// `engine: 'podman'` run on a real podman (tests/elements/support/real-engine.mjs,
// the tests/env environment): started on first use, stopped in serverStop.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, defaultReporter } from '@web/test-runner';
import { countReporter } from './tests/elements/support/count-reporter.mjs';
import { createRealEngine } from './tests/elements/support/real-engine.mjs';
import { createWorlds, isElementsAsset } from './tests/elements/support/worlds.mjs';
import { requestLogPlugin } from './tests/elements/support/request-log.mjs';
import { tabCommandsPlugin } from './tests/elements/support/tab-commands.mjs';
import { voiceCommandsPlugin } from './tests/elements/support/voice-commands.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/helpers/chromium.mjs';
import { demoPlugins } from './tests/demo/support/plugins.mjs';

/** A pull on the demo runtime at test speed takes seconds; a test waits for it by events, within this. */
const TEST_TIMEOUT_MS = 30_000;

/**
 * The proxy's pace per layer download for the real engine: `multi` (3 layers,
 * 3–8 MB) takes about 4 s, so podman's byte reports (about one a second per
 * layer) show as progress.
 */
const REAL_ENGINE_RATE = 2 * 1024 * 1024;

// SLOTPULL_ENV_DEBUG=1 prints its start steps and times.
const realEngine = createRealEngine({ rate: REAL_ENGINE_RATE });
const worlds = createWorlds({ realEngine });

/** Hands test routes to the worlds as raw Node responses (koa must not buffer an event stream). */
const worldsPlugin = {
  name: 'slotpull-worlds',
  async serverStart() {
    await worlds.start();
  },
  async serverStop() {
    try {
      await worlds.stop();
    } finally {
      await realEngine.stop(); // no process, mount or temp dir left, whatever the tests did
    }
  },
};

/** Emulates forced colors (emulateMedia has no such option for Chromium via puppeteer). */
const forcedColorsPlugin = {
  name: 'forced-colors-command',
  async executeCommand({ command, payload, session }) {
    if (command !== 'emulate-forced-colors') return undefined;
    const page = session.browser.getPage(session.id);
    const cdp = await page.createCDPSession();
    await cdp.send('Emulation.setEmulatedMedia', {
      features: [{ name: 'forced-colors', value: payload?.active ? 'active' : 'none' }],
    });
    return true;
  },
};

export default {
  files: ['tests/elements/**/*.browser-test.ts', 'tests/demo/**/*.browser-test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: TEST_TIMEOUT_MS } },
  middleware: [
    (ctx, next) => {
      if (!ctx.path.startsWith('/__test/') && !isElementsAsset(ctx.path)) return next();
      ctx.respond = false;
      ctx.status = 200; // what koa logs; the world writes the real status itself
      worlds.handle(ctx.req, ctx.res);
      return undefined;
    },
  ],
  // tests/run.sh sets SLOTPULL_WTR_COUNTS to add this runner's counts to its closing line.
  reporters: [defaultReporter(), ...(process.env.SLOTPULL_WTR_COUNTS ? [countReporter(process.env.SLOTPULL_WTR_COUNTS)] : [])],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), forcedColorsPlugin, requestLogPlugin(), voiceCommandsPlugin(), tabCommandsPlugin(), worldsPlugin, ...demoPlugins()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
};
