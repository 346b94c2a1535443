/**
 * A private network namespace for a test (root; `unshare` and `nsenter` from
 * util-linux, `ip` from iproute2): its own loopback, so commands from the
 * docs run verbatim on the ports they name (8080, 80…) whatever else this
 * machine runs. Every process started in it is its own process group, ended
 * by that group's id when the namespace closes.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

export interface Started {
  readonly child: ChildProcess;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** What it wrote to stdout alone. */
  stdout(): string;
  /** Resolves with the first match of `pattern` in its output; fails naming `what` after `ms` or when it exits. */
  waitFor(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
  readonly exited: Promise<number | null>;
}

export interface NetNamespace {
  /** `/proc/<pid>/ns/net`, for `nsenter --net=`. */
  readonly path: string;
  /** Starts `argv` in the namespace (a process group of its own), collecting its output. */
  start(argv: readonly string[], options?: SpawnOptions): Started;
  /** Ends what was started in it, then the namespace. */
  close(): Promise<void>;
}

const READY_MS = 10_000;
/** A process that has not ended this long after SIGTERM gets SIGKILL. */
const KILL_AFTER_MS = 5_000;

export async function createNetNamespace(): Promise<NetNamespace> {
  const holder = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && echo up && exec sleep infinity'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const holderOut = collect(holder);
  await holderOut.waitFor(/^up$/m, 'the network namespace', READY_MS);
  const path = `/proc/${holder.pid}/ns/net`;
  const started: Started[] = [];

  return {
    path,
    start(argv, options = {}) {
      const child = spawn('nsenter', [`--net=${path}`, '--', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
      const result = collect(child);
      started.push(result);
      return result;
    },
    async close() {
      for (const { child, exited } of started.reverse()) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        signalGroup(child, 'SIGTERM');
        const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_AFTER_MS);
        await exited;
        clearTimeout(kill);
      }
      holder.kill('SIGKILL');
      await holderOut.exited;
    },
  };
}

/** A process group's leader and everything it started. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch (error) {
    // Gone already (it exited between the check and the signal).
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function collect(child: ChildProcess): Started {
  let text = '';
  let stdout = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onData(chunk);
  });
  child.stderr?.on('data', onData);
  const exited = once(child, 'close').then(([code]) => code as number | null);
  exited.then(() => [...waiters].forEach((waiter) => waiter()));
  return {
    child,
    exited,
    output: () => text,
    stdout: () => stdout,
    waitFor(pattern, what, ms = READY_MS) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match !== null) return finish(() => resolve(match));
          if (child.exitCode !== null || child.signalCode !== null) finish(() => reject(new Error(`${what} exited before ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${what}: no ${pattern} within ${ms} ms:\n${text}`))), ms);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}
