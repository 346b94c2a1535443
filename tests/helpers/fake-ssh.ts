/**
 * A FAKE `ssh` for the ssh transport's own tests (the real OpenSSH is in
 * tests/engines/remote-engines.test.ts): a bash script that records its
 * arguments and acts by the host it is given — `relay` pipes stdin and stdout
 * to a unix socket as `docker system dial-stdio` would, `hostkey` and
 * `notfound` fail as OpenSSH and bash do, `hang` never answers.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeSsh {
  path: string;
  /** One line per run: its arguments joined by spaces. */
  calls(): Promise<string[]>;
  remove(): Promise<void>;
}

/** Node for the relay, also when the tests run under Deno (its execPath is deno). */
const NODE = (process.versions as Record<string, string | undefined>).deno === undefined ? process.execPath : 'node';
const RELAY = `const s = require('node:net').connect(process.argv[1]); process.stdin.pipe(s).pipe(process.stdout); s.on('close', () => process.exit(0)); s.on('error', () => process.exit(1));`;

export async function writeFakeSsh(socketPath: string): Promise<FakeSsh> {
  const dir = await mkdtemp(join(tmpdir(), 'slotpull-fake-ssh-'));
  const path = join(dir, 'fake-ssh');
  const log = join(dir, 'calls.log');
  await writeFile(
    path,
    `#!/bin/bash
echo "$*" >> ${log}
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done
case "$2" in
  relay) exec ${NODE} -e ${JSON.stringify(RELAY)} ${socketPath} ;;
  hostkey)
    printf '%s\\r\\n' '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @' 'Host key verification failed.' >&2
    exit 255 ;;
  notfound)
    echo 'bash: line 1: exec: podman: not found' >&2
    exit 127 ;;
  hang) exec sleep 600 ;;
esac
exit 2
`,
  );
  await chmod(path, 0o755);
  return {
    path,
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
