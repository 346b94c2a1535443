/**
 * A child process that speaks JSON lines on stdout: read them one by one
 * with a timeout that names what was awaited, write lines to its stdin,
 * stop and resume it, and kill it. Every child is killed (by PID) when the
 * test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { afterEach } from 'vitest';

const LINE_TIMEOUT_MS = 20_000;

/** The heartbeat of the lock holders these tests start, so that a test waits briefly on one. */
export const TEST_HEARTBEAT_MS = 100;
/** Fifteen of those beats: a loaded machine delays a timer, not that much. */
export const TEST_STALE_MS = 1500;

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** The next JSON line; rejects, naming `what`, on timeout or exit. */
  next(what: string): Promise<Record<string, unknown>>;
  send(line: string): void;
  /** SIGKILL, and waits until the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP, and waits until the process (every thread) is stopped: its files then hold what a SIGKILL now would leave. */
  freeze(): Promise<void>;
  /** SIGCONT: goes on where it was stopped. */
  thaw(): void;
  /** Everything it wrote to stderr, for failure messages. */
  readonly stderr: () => string;
}

/** The state letter of /proc/<pid>/stat (R, S, D, T, Z, …); '' for a process that is gone. */
function processState(pid: number): string {
  try {
    // The command name (field 2) may hold spaces and parentheses: the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    // ENOENT: gone.
    return '';
  }
}

export function useChildren(): (command: string, args: string[], env?: Record<string, string>) => Child {
  const started: Child[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((child) => child.kill()));
  });
  return (command, args, env) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let buffer = '';
    let errors = '';
    const lines: string[] = [];
    const waiters: Array<(line: string | null) => void> = [];
    let ended = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        const waiter = waiters.shift();
        if (waiter === undefined) lines.push(line);
        else waiter(line);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    child.stdin!.on('error', () => {
      // The child may be killed while a line is on its way: nothing to deliver to.
    });
    const exited = once(child, 'exit').then(() => {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter(null);
    });
    const handle: Child = {
      pid: child.pid as number,
      process: child,
      next: (what) =>
        new Promise((resolve, reject) => {
          const line = lines.shift();
          if (line !== undefined) return resolve(JSON.parse(line));
          if (ended) return reject(new Error(`child ${child.pid} exited before ${what}; stderr:\n${errors}`));
          const timer = setTimeout(() => reject(new Error(`child ${child.pid}: no ${what} within ${LINE_TIMEOUT_MS} ms; stderr:\n${errors}`)), LINE_TIMEOUT_MS);
          waiters.push((got) => {
            clearTimeout(timer);
            if (got === null) reject(new Error(`child ${child.pid} exited before ${what}; stderr:\n${errors}`));
            else resolve(JSON.parse(got));
          });
        }),
      send: (line) => void child.stdin!.write(`${line}\n`),
      kill: async () => {
        if (!ended) child.kill('SIGKILL');
        await exited;
      },
      freeze: async () => {
        child.kill('SIGSTOP');
        const deadline = Date.now() + LINE_TIMEOUT_MS;
        // The signal is taken by each thread on its way back to user space: watch /proc until the process reads stopped.
        while (processState(child.pid as number) !== 'T') {
          if (ended || Date.now() > deadline) throw new Error(`child ${child.pid} did not stop on SIGSTOP; stderr:\n${errors}`);
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      thaw: () => void child.kill('SIGCONT'),
      stderr: () => errors,
    };
    started.push(handle);
    return handle;
  };
}
