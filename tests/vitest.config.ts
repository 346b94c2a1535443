// Two vitest projects:
//   unit    — tests/**/*.test.ts except tests/engines/**: no engine, no real
//             docker or podman CLI (tests/helpers/no-real-engines.ts fails a
//             file that runs one); only the tests' own named fakes.
//   engines — tests/engines/**/*.test.ts against real dockerd and podman,
//             started once by tests/env/global-setup.ts (needs root and the
//             Debian packages podman, docker.io, docker-registry, busybox-static).
// A test file opts in to real engines by living under tests/engines/ and
// calling useEngineEnv() from tests/env/context.ts.
//
//   npx vitest run --config tests/vitest.config.ts                    # both
//   npx vitest run --config tests/vitest.config.ts --project unit     # npm run test:unit
//   npx vitest run --config tests/vitest.config.ts --project engines  # npm run test:engines
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** One real pull through the 4 MB/s proxy plus its checks fits well inside this. */
const ENGINE_TEST_TIMEOUT_MS = 60_000;

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/engines/**'],
          setupFiles: ['tests/helpers/no-real-engines.ts'],
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
    ],
  },
});
