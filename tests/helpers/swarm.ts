/**
 * Forks tests/helpers/sse-swarm.mjs — many SSE clients in a process of their
 * own — and drives it over IPC with typed commands. close() ends the process
 * and waits for it, so no child is left.
 */
import { fork, type ChildProcess } from 'node:child_process';

const SCRIPT = new URL('./sse-swarm.mjs', import.meta.url).pathname;

export interface SwarmSummary {
  clients: number;
  /** Clients answered 200. */
  ok: number;
  /** Clients that received a frame whose state is not `pulling`. */
  terminal: number;
  /** Clients whose response the server ended. */
  ended: number;
  /** How many clients' first (last) frame had each state. */
  firstStates: Record<string, number>;
  lastStates: Record<string, number>;
  minFrames: number;
  maxFrames: number;
  errors: string[];
}

export interface Swarm {
  pid: number;
  open(url: string, n: number, batch?: number): Promise<SwarmSummary & { openMs: number }>;
  summary(): Promise<SwarmSummary>;
  waitEnded(timeoutMs: number): Promise<SwarmSummary>;
  cycles(url: string, total: number, concurrency: number): Promise<{ completed: number; errors: string[]; ms: number }>;
  /** Destroys the clients, ends the process and waits for its exit. */
  close(): Promise<void>;
}

export async function startSwarm(): Promise<Swarm> {
  const child: ChildProcess = fork(SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sse-swarm exited (${code}) before it was ready`)));
    child.on('message', (message: { ready?: number; id?: number; result?: unknown; error?: string }) => {
      if (message.ready !== undefined) return resolve(message.ready);
      const call = pending.get(message.id ?? -1);
      if (call === undefined) return;
      pending.delete(message.id as number);
      if (message.error !== undefined) call.reject(new Error(`sse-swarm: ${message.error}`));
      else call.resolve(message.result);
    });
  });
  void exited.then(() => {
    for (const call of pending.values()) call.reject(new Error('sse-swarm exited'));
    pending.clear();
  });
  const call = <T>(cmd: string, args: unknown = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, args });
    });

  let closing: Promise<void> | undefined;
  return {
    pid,
    open: (url, n, batch) => call('open', { url, n, batch }),
    summary: () => call('summary'),
    waitEnded: (timeoutMs) => call('waitEnded', { timeoutMs }),
    cycles: (url, total, concurrency) => call('cycles', { url, total, concurrency }),
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          await call('close').catch(() => undefined);
          child.disconnect();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return closing;
    },
  };
}
