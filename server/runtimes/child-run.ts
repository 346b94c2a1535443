/**
 * A CLI binary's child process, by the rules the previous product broke:
 * - a child is signalled only while it is still running: one that exited by
 *   itself is never sent SIGTERM, so a finished pull is never turned into a
 *   failed one;
 * - stopping sends SIGTERM, then SIGKILL after a grace; the grace timer is
 *   cleared as soon as the child exits;
 * - every child is waited for until 'close' (exit reaped, stdio drained), so
 *   none is left a zombie.
 * Always an argument array (never a shell), through node:child_process,
 * which Deno's node compat provides too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock, TimerHandle } from '../core/clock.ts';

/** Characters of each stream kept for error messages. */
const TAIL_CHARS = 4096;
/** Characters of stdout a short command may return (an id, a State object). */
const COMMAND_STDOUT_CHARS = 65_536;
/** A line longer than this is passed on unfinished rather than grown without bound. */
const MAX_LINE_CHARS = 65_536;
/** Prefixes the CLIs put before the real message. */
const ERROR_PREFIX = /^(?:Error response from daemon:\s*|Error:\s*)+/i;

export interface ChildSettings {
  /** Milliseconds between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Milliseconds a short command may take before it is stopped. */
  commandTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  clock: Clock;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError: NodeJS.ErrnoException | null;
  stdout: TextTail;
  stderr: TextTail;
  timedOut: boolean;
  cancelled: boolean;
}

/** Runs a short command to its end, stopping it on timeout or abort. */
export async function runCommand(
  binary: string,
  args: string[],
  settings: ChildSettings,
  signal?: AbortSignal,
  stdoutChars = COMMAND_STDOUT_CHARS,
): Promise<CommandResult> {
  const child = new ChildRun(binary, args, settings, null, stdoutChars);
  let timedOut = false;
  let cancelled = false;
  const timer = settings.clock.setTimeout(() => {
    timedOut = true;
    child.stop();
  }, settings.commandTimeoutMs);
  const onAbort = (): void => {
    cancelled = true;
    child.stop();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await child.closed;
  settings.clock.clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);
  return { ...exit, stdout: child.stdout, stderr: child.stderr, timedOut, cancelled };
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the binary could not be started at all (ENOENT, EACCES). */
  spawnError: NodeJS.ErrnoException | null;
}

/** The last characters a stream produced. */
export class TextTail {
  text = '';
  truncated = false;

  constructor(private readonly limit: number) {}

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit) {
      this.text = this.text.slice(-this.limit);
      this.truncated = true;
    }
  }
}

/**
 * One child process: both pipes decoded as UTF-8 and passed on in whole lines,
 * a bounded tail of each, and a stop() that signals only a running child.
 */
export class ChildRun {
  readonly stdout: TextTail;
  readonly stderr = new TextTail(TAIL_CHARS);
  /** Resolves on 'close' (or at once when the binary could not be started); never rejects. */
  readonly closed: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #settings: ChildSettings;
  #stopRequested = false;
  #exited = false;
  #graceTimer: TimerHandle | null = null;

  constructor(
    binary: string,
    args: string[],
    settings: ChildSettings,
    onText: ((text: string) => void) | null,
    stdoutLimit = TAIL_CHARS,
  ) {
    this.#settings = settings;
    this.stdout = new TextTail(stdoutLimit);
    this.#child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: settings.env, windowsHide: true });
    const child = this.#child;
    for (const [stream, tail] of [
      [child.stdout, this.stdout],
      [child.stderr, this.stderr],
    ] as const) {
      let carry = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        tail.append(text);
        if (onText === null) return;
        carry += text;
        const cut = carry.length > MAX_LINE_CHARS ? carry.length : carry.lastIndexOf('\n') + 1;
        if (cut > 0) {
          onText(carry.slice(0, cut));
          carry = carry.slice(cut);
        }
      });
      stream?.on('end', () => {
        if (onText !== null && carry !== '') onText(carry);
        carry = '';
      });
    }
    child.on('exit', () => {
      this.#exited = true;
      this.#clearGrace();
    });
    this.closed = new Promise((resolve) => {
      let settled = false;
      const settle = (exit: ChildExit): void => {
        if (settled) return;
        settled = true;
        this.#clearGrace();
        resolve(exit);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        // Without a pid the binary never started and no 'close' is owed; with one,
        // this was a failed kill() and 'close' still comes.
        if (child.pid === undefined) settle({ code: null, signal: null, spawnError: error });
      });
      child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        settle({ code: child.pid === undefined ? null : code, signal, spawnError: null });
      });
    });
  }

  /**
   * True until the child has exited; false when it never started. Tracked by
   * our own 'exit' flag, not `signalCode`: Deno's node compat sets
   * `signalCode` as soon as kill() is called, while the child may still live.
   */
  get running(): boolean {
    return this.#child.pid !== undefined && !this.#exited && this.#child.exitCode === null;
  }

  /** SIGTERM now and SIGKILL after the grace — only while the child is still running. Idempotent. */
  stop(): void {
    if (this.#stopRequested) return;
    this.#stopRequested = true;
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    this.#graceTimer = this.#settings.clock.setTimeout(() => {
      this.#graceTimer = null;
      if (this.running) this.#kill('SIGKILL');
    }, this.#settings.killGraceMs);
  }

  pause(): void {
    this.#child.stdout?.pause();
    this.#child.stderr?.pause();
  }

  resume(): void {
    this.#child.stdout?.resume();
    this.#child.stderr?.resume();
  }

  /**
   * Deno's node compat refuses a second ChildProcess.kill() (it returns
   * false), so the SIGKILL after a SIGTERM falls back to process.kill(pid),
   * which is safe here: the child has not been reaped (no 'exit' yet), so its
   * pid cannot belong to another process.
   */
  #kill(signal: NodeJS.Signals): void {
    if (this.#child.kill(signal)) return;
    try {
      process.kill(this.#child.pid as number, signal);
    } catch {
      // ESRCH: it was reaped in between; nothing is left to stop.
    }
  }

  #clearGrace(): void {
    if (this.#graceTimer === null) return;
    this.#settings.clock.clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
  }
}

/**
 * The last thing the tool said that looks like an error, without its
 * `Error: ` / `Error response from daemon: ` prefix; else (when `orLastLine`)
 * its last line, since not every message starts with "Error"
 * ("Cannot connect to the Docker daemon …").
 */
export function lastErrorLine(tail: TextTail, orLastLine = true): string | null {
  const lines = tail.text.split(/\r\n|\r|\n/).map((line) => line.trim());
  if (tail.truncated && lines.length > 1) lines.shift(); // the first line was cut
  const said = lines.filter((line) => line !== '');
  const line = said.findLast((l) => /^error\b/i.test(l)) ?? (orLastLine ? said.at(-1) : undefined);
  if (line === undefined) return null;
  return line.replace(ERROR_PREFIX, '') || line;
}
