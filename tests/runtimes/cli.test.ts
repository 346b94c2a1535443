/**
 * The CLI runtime against FAKE docker/podman binaries: tiny bash scripts that
 * stand in for the real CLIs on paths a real engine cannot be made to take on
 * demand (a pull that exits 125, one that ignores SIGTERM, one that finishes
 * just as it is cancelled). The real binaries are tried in
 * tests/engines/cli.test.ts: unit tests run no real CLI.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseImageReference } from '../../server/core/reference.ts';
import { RuntimeFailure } from '../../server/core/runtime.ts';
import { createCliRuntime, detectCliRuntime, type CliRuntimeOptions } from '../../server/runtimes/cli.ts';
import { countingClock, useFakeClock } from '../helpers/clock.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

let dir: string;
let fakeDocker: string;
let fakePodman: string;

/** The shared body of both fakes: answers by image reference or container name. */
const FAKE_BODY = String.raw`
[ -n "$FAKE_ARGS" ] && printf '%s\n' "$*" >> "$FAKE_ARGS"
DAEMON_DOWN="Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
state() { # status running oom exit-code
  printf '{"Status":"%s","Running":%s,"Paused":false,"Restarting":false,"OOMKilled":%s,"Dead":false,"Pid":0,"ExitCode":%s,"Error":"","StartedAt":"2026-11-26T21:00:00Z","FinishedAt":"2026-11-26T21:05:00Z"}\n' "$1" "$2" "$3" "$4"
}
case "$1" in
  image) # image inspect --format {{.Id}} REF
    case "$5" in
      *present*) echo "sha256:5c72be5261dcb1e115e74725eaf96d3f13d5d678f5f342a4dd9ce9329273226b"; exit 0 ;;
      *missing*) missing_image "$5"; exit $MISSING_EXIT ;;
      *silent*) exit 1 ;;
      *) echo "$DAEMON_DOWN" >&2; exit 1 ;;
    esac ;;
  ps) # ps --all --format FORMAT
    [ -n "$FAKE_DOWN" ] && { echo "$DAEMON_DOWN" >&2; exit 1; }
    list_containers
    exit 0 ;;
  container) # container inspect --format '{{.Name}}\t{{json .State}}' NAME…
    [ -n "$FAKE_DOWN" ] && { echo "$DAEMON_DOWN" >&2; exit 1; }
    shift 4
    code=0
    for name in "$@"; do
      case "$name" in
        slot-running) named "$name"; state running true false 0 ;;
        slot-oom) named "$name"; state exited false true 137 ;;
        slot-crashed) named "$name"; state exited false false 1 ;;
        *) missing_container "$name"; code=$MISSING_EXIT ;; # slot-gone: removed since the list
      esac
    done
    exit $code ;;
  pull)
    ref="$2"
    [ -n "$FAKE_PIDFILE" ] && echo $$ > "$FAKE_PIDFILE"
    case "$ref" in
      */ok:*)
        echo "1: Pulling from acme/ok"
        echo "d9b9504b1033: Pulling fs layer"
        echo "d9b9504b1033: Download complete"
        echo "d9b9504b1033: Pull complete"
        echo "Digest: sha256:a51e0c0dc6ba37bc0db59afe5ad139edbd4b1a3593a696fd86bd65b65f34a252"
        echo "Status: Downloaded newer image for $ref"
        echo "$ref"
        exit 0 ;;
      */notfound:*)
        echo "1: Pulling from acme/notfound"
        echo "Error response from daemon: manifest for $ref not found: manifest unknown: manifest unknown" >&2
        exit 1 ;;
      */podman-notfound:*)
        cat "$FIXTURES/podman-4.3-cli-pull-notfound.stderr" >&2
        exit 125 ;;
      */podman-ok:*)
        cat "$FIXTURES/podman-4.3-cli-pull-multi.stderr" >&2
        cat "$FIXTURES/podman-4.3-cli-pull-multi.stdout"
        exit 0 ;;
      */retried:*) # podman 4.3.1's real words when the registry refuses, retries included
        cat >&2 <<'WORDS'
Trying to pull 127.0.0.1:5999/x/y:1...
time="2026-11-27T00:02:29Z" level=warning msg="Failed, retrying in 1s ... (1/3). Error: initializing source docker://127.0.0.1:5999/x/y:1: pinging container registry 127.0.0.1:5999: Get \"https://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused"
time="2026-11-27T00:02:30Z" level=warning msg="Failed, retrying in 1s ... (2/3). Error: initializing source docker://127.0.0.1:5999/x/y:1: pinging container registry 127.0.0.1:5999: Get \"https://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused"
time="2026-11-27T00:02:31Z" level=warning msg="Failed, retrying in 1s ... (3/3). Error: initializing source docker://127.0.0.1:5999/x/y:1: pinging container registry 127.0.0.1:5999: Get \"https://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused"
Error: initializing source docker://127.0.0.1:5999/x/y:1: pinging container registry 127.0.0.1:5999: Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused
WORDS
        exit 125 ;;
      */silent:*) exit 3 ;;
      */selfkill:*) echo "1: Pulling from acme/selfkill"; kill -KILL $$ ;;
      */slow:*)
        echo "1: Pulling from acme/slow"
        exec sleep 30 ;;
      */stubborn:*) # ignores SIGTERM (and so does the sleep it becomes)
        trap '' TERM
        echo "1: Pulling from acme/stubborn"
        exec sleep 30 ;;
      */quick:*) # finishes by itself; records any signal it receives while alive
        for sig in TERM INT HUP; do trap "echo $sig >> \"$FAKE_SIGNALS\"" $sig; done
        echo "1: Pulling from acme/quick"
        echo "Status: Downloaded newer image for $ref"
        exec >&- 2>&-  # the output ends before the process does
        sleep 0.02
        exit 0 ;;
      */big:*) # more output than a pipe holds
        for n in $(seq 1 20000); do echo "d9b9504b1033: Downloading $n"; done
        exit 0 ;;
    esac
    echo "Error: unexpected fake pull of $ref" >&2; exit 99 ;;
esac
echo "Error: unexpected fake call: $*" >&2
exit 99
`;

const FAKE_DOCKER = `#!/usr/bin/env bash
# FAKE docker CLI for tests (not the real thing).
FIXTURES='${FIXTURES}'
MISSING_EXIT=1
[ "\${1:-}" = --version ] && { echo "Docker version 27.0.0, build fake"; exit 0; }
missing_image() { echo "Error response from daemon: No such image: $1" >&2; }
missing_container() { echo "Error response from daemon: No such container: $1" >&2; }
named() { printf '/%s\t' "$1"; }
list_containers() { # docker ps with slotpull's format: one object a line
  cat <<'LIST'
{"Names":"slot-running","State":"running","Status":"Up 5 minutes"}
{"Names":"slot-exited","State":"exited","Status":"Exited (0) 2 minutes ago"}
{"Names":"slot-created","State":"created","Status":"Created"}
{"Names":"slot-oom","State":"exited","Status":"Exited (137) 1 minute ago"}
{"Names":"slot-crashed","State":"exited","Status":"Exited (1) 1 minute ago"}
{"Names":"slot-gone","State":"exited","Status":"Exited (2) 1 minute ago"}
LIST
}
${FAKE_BODY}`;

const FAKE_PODMAN = `#!/usr/bin/env bash
# FAKE podman CLI for tests (not the real thing). Messages are podman 4.3.1's.
FIXTURES='${FIXTURES}'
MISSING_EXIT=125
[ "\${1:-}" = --version ] && { echo "podman version 4.3.1"; exit 0; }
missing_image() { echo "Error: inspecting object: $1: image not known" >&2; }
missing_container() { echo "Error: inspecting object: no such container \"$1\"" >&2; }
named() { printf '%s\t' "$1"; }
list_containers() { # podman ps --format json: one array, an ExitCode of its own
  cat <<'LIST'
[
  { "Names": [ "slot-running" ], "State": "running", "Status": "Up 5 minutes", "ExitCode": 0 },
  { "Names": [ "slot-exited" ], "State": "exited", "Status": "Exited (0) 2 minutes ago", "ExitCode": 0 },
  { "Names": [ "slot-created" ], "State": "created", "Status": "Created", "ExitCode": 0 },
  { "Names": [ "slot-oom" ], "State": "exited", "Status": "Exited (137) 1 minute ago", "ExitCode": 137 },
  { "Names": [ "slot-crashed" ], "State": "exited", "Status": "Exited (1) 1 minute ago", "ExitCode": 1 },
  { "Names": [ "slot-gone" ], "State": "exited", "Status": "Exited (2) 1 minute ago", "ExitCode": 2 }
]
LIST
}
${FAKE_BODY}`;

async function writeScript(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-cli-'));
  fakeDocker = await writeScript('fake-docker', FAKE_DOCKER);
  fakePodman = await writeScript('fake-podman', FAKE_PODMAN);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ref = (raw: string) => parseImageReference(raw);

function runtimeFor(binary: string, flavor: 'docker' | 'podman', options: CliRuntimeOptions = {}) {
  return createCliRuntime(binary, flavor, 'fake', options);
}

/** Collects a pull's chunks; the error it threw, if any. */
async function drain(chunks: AsyncIterable<string>): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const chunk of chunks) text += chunk;
    return { text, error: null };
  } catch (error) {
    return { text, error };
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function readPid(path: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (existsSync(path)) {
      const text = (await readFile(path, 'utf8')).trim();
      if (text !== '') return Number(text);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the fake never wrote its pid to ${path}`);
}

describe('detectCliRuntime', () => {
  it('recognises docker and podman from --version', async () => {
    const docker = await detectCliRuntime(fakeDocker);
    expect(docker.name).toBe('cli:docker');
    expect(docker.version).toBe('Docker version 27.0.0, build fake');
    const podman = await detectCliRuntime(fakePodman);
    expect(podman.name).toBe('cli:podman');
    expect(podman.flavor).toBe('podman');
  });

  it('says which binary is missing and what to do', async () => {
    const missing = join(dir, 'no-such-docker');
    await expect(detectCliRuntime(missing)).rejects.toThrow(
      new RegExp(`"${missing}" was not found .*ENOENT.*; pass --cli PATH to a docker or podman binary`),
    );
  });

  it('reports a --version that fails, in the tool’s words', async () => {
    const broken = await writeScript('fake-broken', '#!/usr/bin/env bash\necho "Error: unknown flag: --version" >&2\nexit 2\n');
    await expect(detectCliRuntime(broken)).rejects.toThrow(
      /"\S*fake-broken --version" exited with code 2: unknown flag: --version; pass --cli PATH/,
    );
  });

  it('refuses a binary that is neither docker nor podman, or cannot run', async () => {
    const other = await writeScript('fake-nerdctl', '#!/usr/bin/env bash\necho "nerdctl version 1.7.0"\n');
    await expect(detectCliRuntime(other)).rejects.toThrow(/"nerdctl version 1.7.0", which is neither docker nor podman/);
    const notExecutable = join(dir, 'not-executable');
    await writeFile(notExecutable, 'docker');
    await expect(detectCliRuntime(notExecutable)).rejects.toThrow(/could not be started .*EACCES.*--cli PATH/);
  });
});

describe('inspectImage', () => {
  it('asks for the explicit reference and answers present or missing', async () => {
    const argsLog = join(dir, 'inspect-args.log');
    const docker = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_ARGS: argsLog } });
    expect(await docker.inspectImage(ref('ghcr.io/acme/present'))).toBe('present');
    expect(await docker.inspectImage(ref('ghcr.io/acme/missing:1'))).toBe('missing');
    expect(await docker.inspectImage(ref('ghcr.io/acme/silent:1'))).toBe('missing');
    expect((await readFile(argsLog, 'utf8')).split('\n')[0]).toBe('image inspect --format {{.Id}} ghcr.io/acme/present:latest');
    expect(await runtimeFor(fakePodman, 'podman').inspectImage(ref('ghcr.io/acme/missing:1'))).toBe('missing');
  });

  it('rejects, never answers missing, when the engine cannot be asked', async () => {
    const docker = runtimeFor(fakeDocker, 'docker');
    const failure = await docker.inspectImage(ref('ghcr.io/acme/x:1')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeFailure);
    expect((failure as RuntimeFailure).message).toBe(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    );
    expect((failure as RuntimeFailure).details).toMatchObject({ exit_code: 1, signal: null });
  });

  it('rejects when the binary has gone', async () => {
    const gone = runtimeFor(join(dir, 'gone-docker'), 'docker');
    await expect(gone.inspectImage(ref('ghcr.io/acme/present:1'))).rejects.toThrow(/could not start .*ENOENT/);
  });
});

describe('containerStates', () => {
  const cases = [
    ['slot-running', { status: 'running', error: null }],
    ['slot-exited', { status: 'stopped', error: null }],
    ['slot-created', { status: 'stopped', error: null }],
    ['slot-oom', { status: 'crashed', error: 'exited with code 137 (out of memory)' }],
    ['slot-crashed', { status: 'crashed', error: 'exited with code 1' }],
    // Removed between the list and the inspect: the list's word stands.
    ['slot-gone', { status: 'crashed', error: 'exited with code 2' }],
    ['slot-absent', { status: 'absent', error: null }],
  ] as const;

  for (const flavor of ['docker', 'podman'] as const) {
    it(`maps ${flavor}'s list to running, stopped, crashed and absent, inspecting only the crashed`, async () => {
      const argsLog = join(dir, `container-${flavor}.log`);
      const runtime = runtimeFor(flavor === 'docker' ? fakeDocker : fakePodman, flavor, { env: { ...process.env, FAKE_ARGS: argsLog } });
      const states = await runtime.containerStates(cases.map(([name]) => name));
      expect(Object.fromEntries(states)).toEqual(Object.fromEntries(cases));
      const format = flavor === 'docker' ? '{"Names":{{json .Names}},"State":{{json .State}},"Status":{{json .Status}}}' : 'json';
      expect((await readFile(argsLog, 'utf8')).trim().split('\n')).toEqual([
        `ps --all --format ${format}`,
        'container inspect --format {{.Name}}\t{{json .State}} slot-oom slot-crashed slot-gone',
      ]);
    });
  }

  it('runs only the list when nothing it shows crashed', async () => {
    const argsLog = join(dir, 'container-quiet.log');
    const runtime = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_ARGS: argsLog } });
    expect(Object.fromEntries(await runtime.containerStates(['slot-running', 'slot-absent']))).toEqual({
      'slot-running': { status: 'running', error: null },
      'slot-absent': { status: 'absent', error: null },
    });
    expect((await readFile(argsLog, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('rejects, in the engine’s words, when the engine cannot be asked', async () => {
    const runtime = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_DOWN: '1' } });
    const failure = await runtime.containerStates(['slot-running']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeFailure);
    expect((failure as RuntimeFailure).message).toBe(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    );
  });

  it('never passes an invalid container name to a command', async () => {
    const argsLog = join(dir, 'container-args.log');
    const runtime = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_ARGS: argsLog } });
    const invalid = ['-rf', 'a b', '', 'slot;rm', '.hidden'];
    const states = await runtime.containerStates([...invalid, 'slot-oom']);
    for (const name of invalid) {
      expect(states.get(name)?.status, name).toBe('unknown');
      expect(states.get(name)?.error, name).toMatch(/is not valid/);
    }
    expect(states.get('slot-oom')).toEqual({ status: 'crashed', error: 'exited with code 137 (out of memory)' });
    expect((await readFile(argsLog, 'utf8')).trim().split('\n').at(-1)).toBe('container inspect --format {{.Name}}\t{{json .State}} slot-oom');
  });
});

describe('pullImage', () => {
  it('pulls the explicit reference and passes on stdout and stderr', async () => {
    const argsLog = join(dir, 'pull-args.log');
    const docker = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_ARGS: argsLog } });
    const output = docker.pullImage(ref('ghcr.io/acme/ok'), new AbortController().signal);
    expect(output.format).toBe('docker-cli');
    const { text, error } = await drain(output.chunks);
    expect(error).toBeNull();
    expect(text).toContain('d9b9504b1033: Pull complete\n');
    expect(text.endsWith('ghcr.io/acme/ok:latest\n')).toBe(true);
    expect((await readFile(argsLog, 'utf8')).trim()).toBe('pull ghcr.io/acme/ok:latest');

    const podman = runtimeFor(fakePodman, 'podman').pullImage(ref('q.io/acme/podman-ok:1'), new AbortController().signal);
    expect(podman.format).toBe('podman-cli');
    const pulled = await drain(podman.chunks);
    expect(pulled.error).toBeNull();
    expect(pulled.text).toContain('Copying blob sha256:f8b2b38f9424781c171fcd41de076309a138802dac3b58e24f5bf4116725e0e1\n');
    expect(pulled.text).toContain('005fbdb959a247e448b5a62f99656926e4b399a6cc44ebf93c7de3e56ff2eb75\n');
  });

  it('passes on whole lines, however much the tool prints', async () => {
    const output = runtimeFor(fakeDocker, 'docker').pullImage(ref('q.io/acme/big:1'), new AbortController().signal);
    let lines = 0;
    for await (const chunk of output.chunks) {
      expect(chunk.endsWith('\n')).toBe(true);
      lines += chunk.split('\n').length - 1;
    }
    expect(lines).toBe(20000);
  });

  it('fails with docker’s own last error line and the exit code', async () => {
    const output = runtimeFor(fakeDocker, 'docker').pullImage(ref('ghcr.io/acme/notfound:1'), new AbortController().signal);
    const { text, error } = await drain(output.chunks);
    expect(text).toContain('1: Pulling from acme/notfound\n');
    expect(text).toContain('Error response from daemon: manifest for');
    expect(error).toBeInstanceOf(RuntimeFailure);
    expect((error as RuntimeFailure).message).toBe(
      'manifest for ghcr.io/acme/notfound:1 not found: manifest unknown: manifest unknown',
    );
    expect((error as RuntimeFailure).details).toEqual({
      exit_code: 1,
      signal: null,
      stderr_tail:
        'Error response from daemon: manifest for ghcr.io/acme/notfound:1 not found: manifest unknown: manifest unknown\n',
    });
  });

  it('fails with podman’s own last error line (captured podman 4.3 output), exit 125', async () => {
    const podman = runtimeFor(fakePodman, 'podman');
    const notFound = await drain(podman.pullImage(ref('q.io/acme/podman-notfound:1'), new AbortController().signal).chunks);
    expect((notFound.error as RuntimeFailure).message).toBe(
      'initializing source docker://127.0.0.1:5000/feas/nope:1: reading manifest 1 in 127.0.0.1:5000/feas/nope: manifest unknown: manifest unknown',
    );
    expect((notFound.error as RuntimeFailure).details).toMatchObject({ exit_code: 125, signal: null });

    const retried = await drain(podman.pullImage(ref('q.io/acme/retried:1'), new AbortController().signal).chunks);
    expect((retried.error as RuntimeFailure).message).toBe(
      'initializing source docker://127.0.0.1:5999/x/y:1: pinging container registry 127.0.0.1:5999: Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
    );
  });

  it('says only the exit code or signal when the tool printed nothing', async () => {
    const docker = runtimeFor(fakeDocker, 'docker');
    const silent = await drain(docker.pullImage(ref('q.io/acme/silent:1'), new AbortController().signal).chunks);
    expect((silent.error as RuntimeFailure).message).toMatch(/fake-docker pull" exited with code 3 without saying why$/);
    expect((silent.error as RuntimeFailure).details).toEqual({ exit_code: 3, signal: null, stderr_tail: '' });
    const killed = await drain(docker.pullImage(ref('q.io/acme/selfkill:1'), new AbortController().signal).chunks);
    expect((killed.error as RuntimeFailure).message).toMatch(/fake-docker pull" was killed by SIGKILL$/);
    expect((killed.error as RuntimeFailure).details).toMatchObject({ exit_code: null, signal: 'SIGKILL' });
  });

  it('fails the iterator, not the call, when the binary has gone', async () => {
    const output = runtimeFor(join(dir, 'gone-docker'), 'docker').pullImage(ref('q.io/acme/ok:1'), new AbortController().signal);
    const { error } = await drain(output.chunks);
    expect((error as RuntimeFailure).message).toMatch(/could not start .*ENOENT/);
  });
});

describe('cancelling a pull', () => {
  it('sends SIGTERM on abort; the iterator ends once the child is gone (no zombie)', async () => {
    const pidFile = join(dir, 'slow.pid');
    const clock = countingClock();
    const docker = runtimeFor(fakeDocker, 'docker', { clock, env: { ...process.env, FAKE_PIDFILE: pidFile } });
    const controller = new AbortController();
    const iterator = docker.pullImage(ref('q.io/acme/slow:1'), controller.signal).chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('1: Pulling from acme/slow\n');
    const pid = await readPid(pidFile);
    expect(processGone(pid)).toBe(false);
    useFakeClock(); // the grace never runs out: SIGTERM alone has to do it
    controller.abort();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(processGone(pid)).toBe(true);
    expect(clock.liveTimers).toBe(0); // the grace timer was cleared when the child exited
  });

  it('sends SIGKILL after the grace when SIGTERM is ignored', async () => {
    const pidFile = join(dir, 'stubborn.pid');
    const docker = runtimeFor(fakeDocker, 'docker', { killGraceMs: 300, clock: countingClock(), env: { ...process.env, FAKE_PIDFILE: pidFile } });
    const controller = new AbortController();
    const iterator = docker.pullImage(ref('q.io/acme/stubborn:1'), controller.signal).chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('1: Pulling from acme/stubborn\n');
    const pid = await readPid(pidFile);
    useFakeClock(); // before the abort: the grace is a fake timer
    controller.abort();
    const ended = iterator.next();
    await vi.advanceTimersByTimeAsync(299);
    expect(processGone(pid)).toBe(false); // SIGTERM is ignored, and the grace is not over
    await vi.advanceTimersByTimeAsync(1);
    expect(await ended).toEqual({ value: undefined, done: true });
    expect(processGone(pid)).toBe(true);
  });

  it('stops the child when the consumer stops iterating', async () => {
    const pidFile = join(dir, 'return.pid');
    const docker = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_PIDFILE: pidFile } });
    const controller = new AbortController();
    for await (const chunk of docker.pullImage(ref('q.io/acme/slow:1'), controller.signal).chunks) {
      expect(chunk).toBe('1: Pulling from acme/slow\n');
      break;
    }
    expect(processGone(await readPid(pidFile))).toBe(true);
  });

  it('starts nothing for an already aborted signal', async () => {
    const pidFile = join(dir, 'never.pid');
    const docker = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_PIDFILE: pidFile } });
    const { text, error } = await drain(docker.pullImage(ref('q.io/acme/slow:1'), AbortSignal.abort()).chunks);
    expect([text, error]).toEqual(['', null]);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('never signals a pull that finished by itself (50 runs)', { timeout: 60_000 }, async () => {
    const signals = join(dir, 'quick-signals.log');
    const docker = runtimeFor(fakeDocker, 'docker', { env: { ...process.env, FAKE_SIGNALS: signals } });
    for (let run = 0; run < 50; run += 1) {
      const controller = new AbortController();
      const output = docker.pullImage(ref('q.io/acme/quick:1'), controller.signal);
      const { text, error } = await drain(output.chunks);
      expect(error).toBeNull();
      expect(text).toContain('Status: Downloaded newer image for q.io/acme/quick:1');
      // What a job does when it ends: abort its controller, close its iterator.
      controller.abort();
      await output.chunks[Symbol.asyncIterator]().return?.();
    }
    expect(existsSync(signals) ? await readFile(signals, 'utf8') : '').toBe('');
  });

  it('lets a short command be cancelled', async () => {
    const stubborn = await writeScript('fake-hang', '#!/usr/bin/env bash\nexec sleep 30\n');
    const runtime = runtimeFor(stubborn, 'docker');
    const controller = new AbortController();
    const inspecting = runtime.inspectImage(ref('q.io/acme/x:1'), controller.signal);
    controller.abort();
    const failure = await inspecting.catch((error: unknown) => error);
    expect((failure as RuntimeFailure).details).toMatchObject({ cancelled: true });
  });

  it('stops a short command that does not answer in time', async () => {
    const hang = await writeScript('fake-hang-2', '#!/usr/bin/env bash\nexec sleep 30\n');
    const runtime = runtimeFor(hang, 'docker', { commandTimeoutMs: 200, clock: countingClock() });
    useFakeClock();
    const failing = expect(runtime.containerStates(['slot-x'])).rejects.toThrow(/"\S*fake-hang-2 ps --all" did not answer within 200 ms$/);
    await vi.advanceTimersByTimeAsync(200);
    await failing;
  });
});
