/**
 * FAKE docker CLI scripts, as hal0's pull tests used: a temporary bash script
 * that answers `image inspect` with exit 0 or 1 (0 after a pull that exited
 * 0, as an engine has the image it pulled), `ps` with no containers and
 * `pull` with docker lines and an exit code. They stand in for the real CLI
 * on paths an engine cannot be made to take on demand (a pull that fails with
 * a given message, a pull held in flight until the test releases it).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeCliSpec {
  /** Exit code of `image inspect` before a successful pull: 0 present, 1 missing. */
  inspectExit: 0 | 1;
  /** Lines `pull` prints on stdout. */
  pullStdout: string[];
  /** Lines `pull` prints on stderr before exiting. */
  pullStderr?: string[];
  pullExit: number;
  /** `pull` waits after its stdout lines until release() (a pull in flight). */
  pullHeld?: boolean;
}

export interface FakeCli {
  path: string;
  /** The argument lists it was called with, one per call. */
  calls(): Promise<string[]>;
  /** Lets a held pull go on to its stderr lines and exit. */
  release(): Promise<void>;
  remove(): Promise<void>;
}

const quote = (line: string): string => `'${line.replaceAll("'", `'\\''`)}'`;

/** How often a held pull looks for the release file. */
const HOLD_POLL_S = 0.02;

export async function writeFakeCli(spec: FakeCliSpec): Promise<FakeCli> {
  const dir = await mkdtemp(join(tmpdir(), 'slotpull-fake-cli-'));
  const path = join(dir, 'fake-docker');
  const stdout = spec.pullStdout.map((line) => `  echo ${quote(line)}`).join('\n');
  const stderr = (spec.pullStderr ?? []).map((line) => `  echo ${quote(line)} >&2`).join('\n');
  await writeFile(
    path,
    `#!/bin/bash
# FAKE docker CLI written by tests/helpers/fake-cli.ts
echo "$*" >> "$(dirname "$0")/calls.log"
case "$1 $2" in
  "--version "*) echo "Docker version 27.0.0, build fake"; exit 0 ;;
  "image inspect") [ -e "$(dirname "$0")/pulled" ] && exit 0; exit ${spec.inspectExit} ;;
  "ps --all") exit 0 ;; # no containers
  "pull "*)
${stdout}
${spec.pullHeld === true ? `  while [ -d "$(dirname "$0")" ] && [ ! -e "$(dirname "$0")/release" ]; do sleep ${HOLD_POLL_S}; done # held; gone with remove()` : ''}
${stderr}
${spec.pullExit === 0 ? '  touch "$(dirname "$0")/pulled"' : ''}
  exit ${spec.pullExit} ;;
esac
echo "fake-docker: unexpected arguments: $*" >&2
exit 64
`,
  );
  await chmod(path, 0o755);
  return {
    path,
    calls: async () => (await readFile(join(dir, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''),
    release: () => writeFile(join(dir, 'release'), ''),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What `docker pull` prints when not on a terminal, for a 2-layer image. */
export const DOCKER_PULL_LINES = [
  '1: Pulling from feas/multi',
  'd9b9504b1033: Pulling fs layer',
  '6f0423e3ae07: Pulling fs layer',
  'd9b9504b1033: Verifying Checksum',
  'd9b9504b1033: Download complete',
  '6f0423e3ae07: Download complete',
  'd9b9504b1033: Pull complete',
  '6f0423e3ae07: Pull complete',
  'Digest: sha256:80c3ded5e3f643d3b99d9b22610b94db66ae16aa213804c855bc71151283dd98',
  'Status: Downloaded newer image for 127.0.0.1:5000/feas/multi:1',
  '127.0.0.1:5000/feas/multi:1',
];
