// Three vitest projects:
// Four vitest projects:
//   unit      — tests/**/*.test.ts except tests/engines/**, tests/system/**
//               and the process tests: no engine, no real docker or podman
//               CLI (tests/helpers/no-real-engines.ts fails a file that runs
//               one); only the tests' own named fakes. npm test runs it on
//               Node 20, and on Node 22, Node 24 and Deno through
//               tests/unit-on.sh.
//   processes — tests/**/*.process.test.ts: tests that start processes of
//               their own and kill them (the pull store under SIGKILL, the
//               state directory's lock between processes and runtimes, a
//               server restarted on its state directory, Node and Deno). They
//               choose their runtimes themselves, so they run once, on this
//               machine's node; no engine.
//   engines   — tests/engines/**/*.test.ts against real dockerd and podman,
//               started once by tests/env/global-setup.ts (needs root and the
//               Debian packages podman, docker.io, docker-registry, busybox-static).
//   system    — tests/system/**/*.test.ts: what the docs tell people to run, run
//               as written in private network namespaces (root; Debian's nginx
//               and chromium): the reverse-proxy recipe, the README's commands,
//               npm pack. One file at a time (each builds or starts servers).
// A test file opts in to real engines by living under tests/engines/ and
// calling useEngineEnv() from tests/env/context.ts.
//
//   npx vitest run --config tests/vitest.config.ts                      # all four
//   npx vitest run --config tests/vitest.config.ts --project unit       # npm run test:unit
//   npx vitest run --config tests/vitest.config.ts --project processes  # npm run test:processes
//   npx vitest run --config tests/vitest.config.ts --project engines    # npm run test:engines
//   npx vitest run --config tests/vitest.config.ts --project system     # npm run test:system
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** One real pull through the 4 MB/s proxy plus its checks fits well inside this. */
const ENGINE_TEST_TIMEOUT_MS = 60_000;
/** A build (npm pack's prepack, npm start) takes 10–15 s on an idle machine, a minute or more on a loaded one. */
const SYSTEM_TEST_TIMEOUT_MS = 180_000;
/** A few process starts, Deno compiling the sources on its first run, on a loaded machine. */
const PROCESS_TEST_TIMEOUT_MS = 60_000;
const PROCESS_TESTS = 'tests/**/*.process.test.ts';
/**
 * A timeout catches a hang, not slowness: on a shared 2-core machine, or in
 * npm test's background passes at a lower priority, the CPU-bound tests
 * (fast-check properties, 50 fake pulls) take many times their idle 1-2 s.
 */
const UNIT_TEST_TIMEOUT_MS = 30_000;

/**
 * What the unit project leaves out on another runtime (SLOTPULL_UNIT_ON, set
 * by tests/unit-on.sh): the test environment's own tests, tooling that runs on
 * this machine's node; and under Deno the Node entry's process tests, which
 * start it with the running binary (the Deno entry has its own test, against
 * real podman: tests/engines/deno.test.ts).
 */
const otherRuntime = process.env.SLOTPULL_UNIT_ON;
const LEFT_OUT_ON_OTHER_RUNTIMES = otherRuntime === undefined ? [] : ['tests/env/**', ...(otherRuntime === 'deno' ? ['tests/node/entry.test.ts'] : [])];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/engines/**', 'tests/system/**', PROCESS_TESTS, ...LEFT_OUT_ON_OTHER_RUNTIMES],
          setupFiles: ['tests/helpers/no-real-engines.ts'],
          testTimeout: UNIT_TEST_TIMEOUT_MS,
        },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: [PROCESS_TESTS],
          exclude: [...configDefaults.exclude, 'tests/engines/**'],
          setupFiles: ['tests/helpers/no-real-engines.ts'],
          testTimeout: PROCESS_TEST_TIMEOUT_MS,
          hookTimeout: PROCESS_TEST_TIMEOUT_MS,
        },
      },
      {
        extends: true,
        test: {
          name: 'engines',
          include: ['tests/engines/**/*.test.ts'],
          globalSetup: ['tests/env/global-setup.ts'],
          // One environment, shared engines and proxy counters: one file at a time.
          fileParallelism: false,
          testTimeout: ENGINE_TEST_TIMEOUT_MS,
          hookTimeout: ENGINE_TEST_TIMEOUT_MS,
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['tests/system/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: SYSTEM_TEST_TIMEOUT_MS,
          hookTimeout: SYSTEM_TEST_TIMEOUT_MS,
        },
      },
    ],
  },
});
