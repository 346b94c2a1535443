/**
 * The CLI runtime: a `docker` or `podman` binary (child-run.ts runs it; a
 * pull's output is cli-pull.ts's).
 */
import type { Clock } from '../core/clock.ts';
import { containerStateFrom } from '../core/container-state.ts';
import { statesForNames, statesFromDockerPs, statesFromPodmanPs } from '../core/container-list.ts';
import type { ImageReference } from '../core/reference.ts';
import { RuntimeFailure, type ContainerRuntime, type ContainerState } from '../core/runtime.ts';
import { systemClock } from './system-clock.ts';
import { lastErrorLine, runCommand, type ChildSettings, type CommandResult } from './child-run.ts';
import { pullChunks } from './cli-pull.ts';
import type { ReadLayerPlan } from './registry/layer-plan.ts';

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
  /** The image's layers from its registry, beside a pull (registry/layer-plan.ts). Default: none, the CLI's words stand alone. */
  readLayerPlan?: ReadLayerPlan;
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
    ...(options.readLayerPlan === undefined ? {} : { readLayerPlan: options.readLayerPlan }),
  };
}

function settingsFrom(options: CliRuntimeOptions): ChildSettings {
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!(killGraceMs >= 0)) throw new RangeError(`'killGraceMs' must be a non-negative number, got ${killGraceMs}`);
  if (!(commandTimeoutMs > 0)) throw new RangeError(`'commandTimeoutMs' must be positive, got ${commandTimeoutMs}`);
  return { killGraceMs, commandTimeoutMs, env: options.env ?? process.env, clock: options.clock ?? systemClock };
}

async function inspectImage(
  binary: string,
  image: ImageReference,
  settings: ChildSettings,
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
  settings: ChildSettings,
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
  settings: ChildSettings,
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

/** The failure of a short command, in the tool's words when it said any. */
function commandFailure(binary: string, args: string[], result: CommandResult, settings: ChildSettings): RuntimeFailure {
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
