/**
 * Setup file of the vitest projects "unit" and "processes" (tests/vitest.config.ts): they
 * run no real docker or podman. Stand-ins named `docker`, `podman` and
 * `dockerd` go first on PATH; one that is called refuses to run and fails
 * the test that called it, even when the code under test swallowed the
 * error (a runtime probe that falls back to the demo, say). Tests of the
 * real binaries belong in tests/engines/; the tests' own fakes
 * (tests/helpers/fake-cli.ts) are called by path and are not affected.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

const REAL_BINARIES = ['docker', 'podman', 'dockerd'];

const dir = mkdtempSync(join(tmpdir(), 'slotpull-no-real-engines-'));
const calls = join(dir, 'calls.log');
for (const name of REAL_BINARIES) {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh
# Stand-in written by tests/helpers/no-real-engines.ts: unit tests run no real ${name}.
echo "${name} $*" >> '${calls}'
echo "${name}: unit tests run no real ${name}; move this test to tests/engines/" >&2
exit 127
`,
  );
  chmodSync(path, 0o755);
}
process.env.PATH = `${dir}${delimiter}${process.env.PATH ?? ''}`;

afterEach(() => {
  if (!existsSync(calls)) return;
  const called = readFileSync(calls, 'utf8').trim();
  rmSync(calls);
  throw new Error(`this unit test ran the real CLI (${called.split('\n').join('; ')}); tests of real engines and CLIs go in tests/engines/`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
