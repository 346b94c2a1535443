/**
 * Builds the real Hono app over a runtime and slots, with a counting clock;
 * useTestApp() gives route tests a fresh one for each test and closes it.
 */
import { afterEach, beforeEach } from 'vitest';
import { validateSlotsFile } from '../../server/config/schema.ts';
import type { ContainerRuntime } from '../../server/core/runtime.ts';
import { createSlotpull, type Slotpull, type SlotpullOptions } from '../../server/http/app.ts';
import { countingClock, type CountingClock } from './clock.ts';
import { ScriptedRuntime } from './scripted-runtime.ts';
import { serveSlotpull, type Served } from './served.ts';

export const TEST_SLOTS = {
  slots: [
    { name: 'chat', provider: 'container', image: '127.0.0.1:5000/feas/multi:1', port: 8081, model: 'qwen3-8b', labels: { gpu: '0' } },
    { name: 'code', provider: 'container', image: '127.0.0.1:5000/feas/multi:1' },
    { name: 'big', provider: 'container', image: '127.0.0.1:5000/feas/big:1', container: 'big-box' },
    { name: 'embed', provider: 'external', url: 'http://127.0.0.1:8082' },
  ],
};

export interface TestApp extends Slotpull {
  clock: CountingClock;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export function makeApp(runtime: ContainerRuntime, overrides: Partial<SlotpullOptions> = {}, slotsFile: unknown = TEST_SLOTS): TestApp {
  const config = validateSlotsFile(slotsFile, 'test');
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const clock = countingClock();
  let ids = 0;
  const slotpull = createSlotpull({
    slots: config.slots,
    runtime,
    clock,
    newJobId: () => `p_test${++ids}`,
    version: 'test',
    ...overrides,
  });
  return {
    ...slotpull,
    clock,
    request: async (path, init) => slotpull.app.request(`http://127.0.0.1${path}`, init),
  };
}

/** What a test's app is built from; each part left out takes its default. */
export interface AppSetup {
  /** Default: a new FAKE ScriptedRuntime. */
  runtime?: ContainerRuntime;
  options?: Partial<SlotpullOptions>;
  /** A slots file to validate. Default: TEST_SLOTS. */
  slots?: unknown;
}

export interface TestAppFixture {
  /** Closes the test's app and builds another from `setup` (options of one test, a runtime of its own). */
  start(setup?: AppSetup): TestApp;
  /** Serves the test's app over real HTTP on 127.0.0.1; the server is closed with it after the test. */
  serve(): Promise<Served>;
}

/**
 * The common setup of route tests: before each test, the app over a new FAKE
 * ScriptedRuntime; after it, the app (and its server, if served) closed.
 * `onStart` is handed every app built over a scripted runtime, the first and
 * those of start():
 *
 *   let runtime: ScriptedRuntime;
 *   let app: TestApp;
 *   const http = useTestApp((built) => ({ runtime, app } = built));
 */
export function useTestApp(onStart: (built: { runtime: ScriptedRuntime; app: TestApp }) => void = () => {}): TestAppFixture {
  let app: TestApp | undefined;
  let served: Served | undefined;
  const fixture: TestAppFixture = {
    start(setup = {}) {
      app?.close();
      const runtime = setup.runtime ?? new ScriptedRuntime();
      app = makeApp(runtime, setup.options, setup.slots);
      if (runtime instanceof ScriptedRuntime) onStart({ runtime, app });
      return app;
    },
    async serve() {
      if (app === undefined) throw new Error('serve(): no app yet; useTestApp builds one before each test');
      served = await serveSlotpull(app);
      return served;
    },
  };
  beforeEach(() => void fixture.start());
  afterEach(async () => {
    // Closing the server closes the app it serves.
    if (served !== undefined) await served.close();
    else app?.close();
    [app, served] = [undefined, undefined];
  });
  return fixture;
}
