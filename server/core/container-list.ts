/**
 * A container list → each container's state by name: the engine API's
 * `GET /containers/json?all=1` (dockerd and podman alike), `docker ps` and
 * `podman ps`. An entry has a State word and a Status text ("Exited (137) 5
 * minutes ago") but no OOMKilled and no engine error, so a crashed one says
 * only its exit code here; runtimes inspect those few for the rest.
 */
import { containerStateFrom } from './container-state.ts';
import { RuntimeFailure, type ContainerState } from './runtime.ts';

/** The exit code in a Status text: `Exited (137) 5 minutes ago`, `Restarting (1) 2 seconds ago`. */
const STATUS_EXIT_CODE = /^(?:exited|restarting)\s*\((-?\d+)\)/i;
/** A container's own name; `/web/db` is a legacy link alias of `db`, not a name. */
const OWN_NAME = /^\/?([^/]+)$/;
/** Characters of unreadable output quoted in an error. */
const QUOTED_CHARS = 200;

const ABSENT: ContainerState = { status: 'absent', error: null };

/**
 * One entry's words → its state, by the rules of an inspect's State. The exit
 * code comes from `exitCode` (podman ps has one) or else from the Status text.
 */
export function containerStateFromList(state: unknown, status: unknown, exitCode?: unknown): ContainerState {
  const fromStatus = typeof status === 'string' ? STATUS_EXIT_CODE.exec(status)?.[1] : undefined;
  const code = typeof exitCode === 'number' ? exitCode : fromStatus === undefined ? undefined : Number(fromStatus);
  return containerStateFrom({ Status: state, ExitCode: code });
}

/** `GET /containers/json?all=1`: `[{"Names":["/slot-chat"],"State":"exited","Status":"Exited (137) …"}, …]`. */
export function statesFromEngineList(body: unknown): Map<string, ContainerState> {
  if (!Array.isArray(body)) throw new RuntimeFailure(`the engine's container list is not a JSON array: ${quote(String(JSON.stringify(body)))}`);
  const states = new Map<string, ContainerState>();
  for (const entry of body as { Names?: unknown; State?: unknown; Status?: unknown }[]) {
    if (entry === null || typeof entry !== 'object' || !Array.isArray(entry.Names)) continue;
    addNames(states, entry.Names, containerStateFromList(entry.State, entry.Status));
  }
  return states;
}

/** `docker ps` with one JSON object a line, `{"Names":"a,b","State":…,"Status":…}` (the CLI joins names with commas). */
export function statesFromDockerPs(stdout: string): Map<string, ContainerState> {
  const states = new Map<string, ContainerState>();
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const entry = parseJson(line, 'docker ps printed a line that is not JSON') as { Names?: unknown; State?: unknown; Status?: unknown } | null;
    if (entry === null || typeof entry !== 'object' || typeof entry.Names !== 'string') continue;
    addNames(states, entry.Names.split(','), containerStateFromList(entry.State, entry.Status));
  }
  return states;
}

/** `podman ps --format json`: one JSON array, names without the slash and an `ExitCode` of its own. */
export function statesFromPodmanPs(stdout: string): Map<string, ContainerState> {
  if (stdout.trim() === '') return new Map();
  const list = parseJson(stdout, 'podman ps printed no JSON array');
  if (!Array.isArray(list)) throw new RuntimeFailure(`podman ps printed no JSON array: ${quote(stdout)}`);
  const states = new Map<string, ContainerState>();
  for (const entry of list as { Names?: unknown; State?: unknown; Status?: unknown; ExitCode?: unknown }[]) {
    if (entry === null || typeof entry !== 'object' || !Array.isArray(entry.Names)) continue;
    addNames(states, entry.Names, containerStateFromList(entry.State, entry.Status, entry.ExitCode));
  }
  return states;
}

/** The listed states of `names`, each name once; `absent` for a name no container has. */
export function statesForNames(listed: ReadonlyMap<string, ContainerState>, names: readonly string[]): Map<string, ContainerState> {
  return new Map(names.map((name) => [name, listed.get(name) ?? ABSENT]));
}

function addNames(states: Map<string, ContainerState>, names: unknown[], state: ContainerState): void {
  for (const name of names) {
    const own = typeof name === 'string' ? OWN_NAME.exec(name.trim())?.[1] : undefined;
    if (own !== undefined) states.set(own, state);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the runtime said something else; name it with what it printed.
    throw new RuntimeFailure(`${what}: ${quote(text)}`);
  }
}

function quote(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > QUOTED_CHARS ? `${trimmed.slice(0, QUOTED_CHARS)}…` : trimmed;
}
