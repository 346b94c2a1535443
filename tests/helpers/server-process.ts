/**
 * slotpull started as a process of its own, as a user starts it (the built
 * Node entry, or Deno with its permissions): what it prints, the URL it
 * says it listens on, and a stop by signal that resolves with the exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`, from its "listening on" line. */
  base: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Sends `signal` (once it still runs) and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const POLL_MS = 25;

export async function startServerProcess(command: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const base = /listening on (http:\/\/\S+?)\/?$/m.exec(output)?.[1];
    if (base !== undefined) {
      return {
        child,
        base,
        output: () => output,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${command} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
