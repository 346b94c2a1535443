/**
 * The CLI runtime: a `docker` or `podman` binary, always run with an argument
 * array (never a shell) through node:child_process, which Deno's node compat
 * provides too.
 *
 * Process rules, each one a bug the previous product had:
 * - a child is signalled only while it is still running: one that exited by
 *   itself is never sent SIGTERM, so a finished pull is never turned into a
 *   failed one;
 * - cancelling sends SIGTERM, then SIGKILL after a grace; the grace timer is
 *   cleared as soon as the child exits;
 * - every child is waited for until 'close' (exit reaped, stdio drained), so
 *   none is left a zombie and every pull iterator ends after its child is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { containerStateFrom } from '../core/container-state.ts';
import { statesForNames, statesFromDockerPs, statesFromPodmanPs } from '../core/container-list.ts';
import type { ImageReference } from '../core/reference.ts';
import { RuntimeFailure, type ContainerRuntime, type ContainerState, type PullOutput } from '../core/runtime.ts';

export type CliFlavor = 'docker' | 'podman';

export interface CliRuntimeOptions {
  /** Milliseconds between SIGTERM and SIGKILL when a pull or command is stopped. Default 5000. */
  killGraceMs?: number;
  /** Milliseconds `--version`, the inspect and list commands may take before they are stopped. Default 30000. */
  commandTimeoutMs?: number;
  /** Environment of the binary (DOCKER_HOST, CONTAINERS_STORAGE_CONF, …). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Timers for the kill grace and the command timeout. Default: the global timers. */
  clock?: Clock;
}

/** A {@link ContainerRuntime} backed by a CLI binary. */
export interface CliRuntime extends ContainerRuntime {
  readonly name: 'cli:docker' | 'cli:podman';
  readonly flavor: CliFlavor;
  readonly binary: string;
  /** First line of `<binary> --version`, e.g. "podman version 4.3.1". */
  readonly version: string;
}

const DEFAULT_KILL_GRACE_MS = 5000;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** Characters of each stream kept for error messages. */
const TAIL_CHARS = 4096;
/** Characters of stdout a short command may return (an id, a State object). */
const COMMAND_STDOUT_CHARS = 65_536;
/** A line longer than this is passed on unfinished rather than grown without bound. */
const MAX_LINE_CHARS = 65_536;
/** Queued pull output (characters) above which the child's pipes are paused. */
const QUEUE_HIGH_WATER_CHARS = 262_144;
const CLI_HINT = 'pass --cli PATH to a docker or podman binary';
/** Characters of stdout a container list may print (podman's JSON is about 1 kB a container). */
const LIST_STDOUT_CHARS = 8 * 1024 * 1024;
/**
 * docker ps, one JSON object a line with only what is needed: `{{json .}}`
 * would make docker 20.10 ask the daemon for every container's disk size.
 */
const DOCKER_PS_FORMAT = '{"Names":{{json .Names}},"State":{{json .State}},"Status":{{json .Status}}}';
/** `<name>\t<State as JSON>` a line; docker's name has a leading slash, podman's not. */
const INSPECT_STATE_FORMAT = '{{.Name}}\t{{json .State}}';
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IMAGE_NOT_FOUND = /no such image|image not known|no such object/i;
/** Prefixes the CLIs put before the real message. */
const ERROR_PREFIX = /^(?:Error response from daemon:\s*|Error:\s*)+/i;

const GLOBAL_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

interface Settings {
  killGraceMs: number;
  commandTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  clock: Clock;
}

/**
 * Runs `<binary> --version`, decides docker or podman from what it prints and
 * returns the runtime. Throws an Error naming the binary, what went wrong and
 * what to do when the binary is missing, fails, or is neither.
 */
export async function detectCliRuntime(binary: string, options: CliRuntimeOptions = {}): Promise<CliRuntime> {
  const settings = settingsFrom(options);
  const result = await runCommand(binary, ['--version'], settings);
  const shown = `"${binary} --version"`;
  if (result.spawnError !== null) {
    const what = result.spawnError.code === 'ENOENT' ? 'was not found' : 'could not be started';
    throw new Error(`CLI binary "${binary}" ${what} (${result.spawnError.message}); ${CLI_HINT}`);
  }
  if (result.timedOut) {
    throw new Error(`${shown} did not answer within ${settings.commandTimeoutMs} ms; ${CLI_HINT}`);
  }
  if (result.code !== 0) {
    const said = lastErrorLine(result.stderr) ?? lastErrorLine(result.stdout, false);
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new Error(`${shown} ${how}${said === null ? '' : `: ${said}`}; ${CLI_HINT}`);
  }
  const output = `${result.stdout.text}\n${result.stderr.text}`;
  const version = output.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '') ?? '';
  if (!/docker|podman/i.test(output)) {
    throw new Error(`${shown} printed "${version.slice(0, 120)}", which is neither docker nor podman; ${CLI_HINT}`);
  }
  return createCliRuntime(binary, /podman/i.test(output) ? 'podman' : 'docker', version, options);
}

/** The runtime for a binary whose flavor is already known (detectCliRuntime decides it). */
export function createCliRuntime(
  binary: string,
  flavor: CliFlavor,
  version: string,
  options: CliRuntimeOptions = {},
): CliRuntime {
  const settings = settingsFrom(options);
  return {
    name: `cli:${flavor}`,
    flavor,
    binary,
    version,
    inspectImage: (image, signal) => inspectImage(binary, image, settings, signal),
    pullImage: (image, signal) => ({
      format: flavor === 'podman' ? 'podman-cli' : 'docker-cli',
      chunks: pullChunks(binary, image, settings, signal),
    }),
    containerStates: (names, signal) => containerStates(binary, flavor, names, settings, signal),
  };
}

function settingsFrom(options: CliRuntimeOptions): Settings {
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!(killGraceMs >= 0)) throw new RangeError(`'killGraceMs' must be a non-negative number, got ${killGraceMs}`);
  if (!(commandTimeoutMs > 0)) throw new RangeError(`'commandTimeoutMs' must be positive, got ${commandTimeoutMs}`);
  return { killGraceMs, commandTimeoutMs, env: options.env ?? process.env, clock: options.clock ?? GLOBAL_CLOCK };
}

async function inspectImage(
  binary: string,
  image: ImageReference,
  settings: Settings,
  signal?: AbortSignal,
): Promise<'present' | 'missing'> {
  const args = ['image', 'inspect', '--format', '{{.Id}}', image.explicit];
  const result = await runCommand(binary, args, settings, signal);
  if (result.spawnError === null && !result.timedOut && !result.cancelled) {
    if (result.code === 0) return 'present';
    const stderr = result.stderr.text.trim();
    if (result.code !== null && (stderr === '' || IMAGE_NOT_FOUND.test(stderr))) return 'missing';
  }
  throw commandFailure(binary, args, result, settings);
}

/**
 * One `ps --all` for every name, then one `container inspect` for those it
 * shows crashed (the list has no OOMKilled and no engine error).
 */
async function containerStates(
  binary: string,
  flavor: CliFlavor,
  names: readonly string[],
  settings: Settings,
  signal?: AbortSignal,
): Promise<Map<string, ContainerState>> {
  const args = flavor === 'podman' ? ['ps', '--all', '--format', 'json'] : ['ps', '--all', '--format', DOCKER_PS_FORMAT];
  const result = await runCommand(binary, args, settings, signal, LIST_STDOUT_CHARS);
  if (result.spawnError !== null || result.timedOut || result.cancelled || result.code !== 0) {
    throw commandFailure(binary, args, result, settings);
  }
  if (result.stdout.truncated) {
    throw new RuntimeFailure(`"${binary} ps" printed more than ${LIST_STDOUT_CHARS} characters; slotpull reads no more`);
  }
  const listed = flavor === 'podman' ? statesFromPodmanPs(result.stdout.text) : statesFromDockerPs(result.stdout.text);
  const states = statesForNames(listed, names);
  for (const name of names) {
    // Never passed to a command: a name like "-rf" would read as an option.
    if (!CONTAINER_NAME.test(name)) states.set(name, { status: 'unknown', error: `container name "${name}" is not valid (${CONTAINER_NAME.source})` });
  }
  const crashed = [...states].filter(([, state]) => state.status === 'crashed').map(([name]) => name);
  if (crashed.length > 0) {
    for (const [name, state] of await inspectStates(binary, crashed, settings, signal)) states.set(name, state);
  }
  return states;
}

/**
 * The inspected states of these containers by name. What cannot be read is
 * left out (the list's word stands): a container removed since the list
 * makes the command exit non-zero, and the others' lines are still good.
 */
async function inspectStates(
  binary: string,
  names: string[],
  settings: Settings,
  signal?: AbortSignal,
): Promise<Map<string, ContainerState>> {
  const result = await runCommand(binary, ['container', 'inspect', '--format', INSPECT_STATE_FORMAT, ...names], settings, signal);
  const states = new Map<string, ContainerState>();
  for (const line of result.stdout.text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const name = line.slice(0, tab).replace(/^\//, '');
    if (!names.includes(name)) continue;
    let state: ContainerState;
    try {
      state = containerStateFrom(JSON.parse(line.slice(tab + 1)));
    } catch {
      continue; // Not JSON (a line cut by the output limit): the list's word stands.
    }
    if (state.status !== 'unknown') states.set(name, state);
  }
  return states;
}

/**
 * The pull's output: stdout and stderr merged line by line as they arrive.
 *
 * Ends when the pull succeeds; throws a RuntimeFailure with the tool's last
 * error line when it exits non-zero. Cancelling (aborting `signal`, or the
 * consumer calling return()) stops the child and the iterator simply ENDS —
 * no error — once the child has closed; the caller knows it cancelled.
 */
function pullChunks(
  binary: string,
  image: ImageReference,
  settings: Settings,
  signal: AbortSignal,
): AsyncIterableIterator<string> {
  const queue: string[] = [];
  let queuedChars = 0;
  let waiter: { resolve: (r: IteratorResult<string>) => void; reject: (e: unknown) => void } | null = null;
  let outcome: { failure: RuntimeFailure | null } | null = signal.aborted ? { failure: null } : null;
  let cancelled = signal.aborted;

  const deliver = (text: string): void => {
    if (cancelled) return;
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      w.resolve({ value: text, done: false });
      return;
    }
    queue.push(text);
    queuedChars += text.length;
    if (queuedChars > QUEUE_HIGH_WATER_CHARS) child?.pause();
  };

  const args = ['pull', image.explicit];
  const child = signal.aborted ? null : new ChildRun(binary, args, settings, deliver);
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    queue.length = 0;
    queuedChars = 0;
    child?.resume(); // paused pipes would never reach 'close'
    child?.stop();
  };
  signal.addEventListener('abort', cancel, { once: true });

  const closed: Promise<void> = (child?.closed ?? Promise.resolve(null)).then((exit) => {
    signal.removeEventListener('abort', cancel);
    let failure: RuntimeFailure | null = null;
    if (!cancelled && exit !== null && (exit.spawnError !== null || exit.code !== 0)) {
      failure = pullFailure(binary, exit, child as ChildRun);
    }
    outcome = { failure };
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      if (failure === null) w.resolve({ value: undefined, done: true });
      else {
        outcome = { failure: null };
        w.reject(failure);
      }
    }
  });

  const iterator: AsyncIterableIterator<string> = {
    next() {
      const value = queue.shift();
      if (value !== undefined) {
        queuedChars -= value.length;
        if (queuedChars <= QUEUE_HIGH_WATER_CHARS / 2) child?.resume();
        return Promise.resolve({ value, done: false });
      }
      if (outcome !== null) {
        const { failure } = outcome;
        outcome = { failure: null }; // thrown once; later calls just end
        return failure === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(failure);
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    async return() {
      if (outcome === null) {
        cancel();
        await closed;
      }
      outcome = { failure: null };
      queue.length = 0;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function pullFailure(binary: string, exit: ChildExit, child: ChildRun): RuntimeFailure {
  if (exit.spawnError !== null) {
    return new RuntimeFailure(`could not start "${binary} pull": ${exit.spawnError.message}`, {
      exit_code: null,
      signal: null,
      stderr_tail: '',
    });
  }
  const said = lastErrorLine(child.stderr) ?? lastErrorLine(child.stdout, false);
  // Killed by someone else: the signal is the news, whatever the tool said before.
  const message =
    exit.code === null
      ? `"${binary} pull" was killed by ${exit.signal}${said === null ? '' : ` (it last said: ${said})`}`
      : (said ?? `"${binary} pull" exited with code ${exit.code} without saying why`);
  return new RuntimeFailure(message, {
    exit_code: exit.code,
    signal: exit.signal,
    stderr_tail: child.stderr.text,
  });
}

/** The failure of a short command, in the tool's words when it said any. */
function commandFailure(binary: string, args: string[], result: CommandResult, settings: Settings): RuntimeFailure {
  const shown = `"${binary} ${args.slice(0, 2).join(' ')}"`;
  const details = { exit_code: result.code, signal: result.signal, stderr_tail: result.stderr.text };
  if (result.spawnError !== null) return new RuntimeFailure(`could not start ${shown}: ${result.spawnError.message}`, details);
  if (result.cancelled) return new RuntimeFailure(`${shown} was cancelled`, { ...details, cancelled: true });
  if (result.timedOut) {
    return new RuntimeFailure(`${shown} did not answer within ${settings.commandTimeoutMs} ms`, { ...details, timed_out: true });
  }
  const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  return new RuntimeFailure(lastErrorLine(result.stderr) ?? `${shown} ${how} without saying why`, details);
}

/**
 * The last thing the tool said that looks like an error, without its
 * `Error: ` / `Error response from daemon: ` prefix; else (when `orLastLine`)
 * its last line, since not every message starts with "Error"
 * ("Cannot connect to the Docker daemon …").
 */
function lastErrorLine(tail: TextTail, orLastLine = true): string | null {
  const lines = tail.text.split(/\r\n|\r|\n/).map((line) => line.trim());
  if (tail.truncated && lines.length > 1) lines.shift(); // the first line was cut
  const said = lines.filter((line) => line !== '');
  const line = said.findLast((l) => /^error\b/i.test(l)) ?? (orLastLine ? said.at(-1) : undefined);
  if (line === undefined) return null;
  return line.replace(ERROR_PREFIX, '') || line;
}

interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError: NodeJS.ErrnoException | null;
  stdout: TextTail;
  stderr: TextTail;
  timedOut: boolean;
  cancelled: boolean;
}

/** Runs a short command to its end, stopping it on timeout or abort. */
async function runCommand(
  binary: string,
  args: string[],
  settings: Settings,
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

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the binary could not be started at all (ENOENT, EACCES). */
  spawnError: NodeJS.ErrnoException | null;
}

/** The last characters a stream produced. */
class TextTail {
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
class ChildRun {
  readonly stdout: TextTail;
  readonly stderr = new TextTail(TAIL_CHARS);
  /** Resolves on 'close' (or at once when the binary could not be started); never rejects. */
  readonly closed: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #settings: Settings;
  #stopRequested = false;
  #exited = false;
  #graceTimer: TimerHandle | null = null;

  constructor(
    binary: string,
    args: string[],
    settings: Settings,
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
