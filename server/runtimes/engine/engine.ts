/**
 * The Docker Engine API runtime, for dockerd and `podman system service`
 * alike. Byte counts come only from here: neither CLI prints them when not on
 * a terminal. Paths are unversioned, so each engine answers in its own
 * current API version.
 */
import type { ImageReference } from '../../core/reference.ts';
import { statesForNames, statesFromEngineList } from '../../core/container-list.ts';
import { containerStateFrom } from '../../core/container-state.ts';
import { RuntimeFailure, type ContainerRuntime, type ContainerState, type PullOutput } from '../../core/runtime.ts';
import type { Clock } from '../../core/clock.ts';
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';
import type { LayerPlan } from '../../core/types.ts';
import { systemClock } from '../system-clock.ts';
import { createReadBudget } from './read-budget.ts';
import type { RegistryCredentials } from './registry-auth.ts';
import { layerPlanReader, type ReadLayerPlan } from '../registry/layer-plan.ts';
import type { Platform } from '../registry/manifest.ts';
import { allowsPlainHttp, insecureRegistriesFromEngineInfo, registryLocation } from '../registry/location.ts';
import { createManifestReader } from '../registry/reader.ts';
import { engineFetch, type EngineFetch, type EngineRequest, type TransportOptions } from './transport.ts';
import { EngineTransportError } from './transport-error.ts';

export type EngineKind = 'docker' | 'podman';

export interface EngineRuntime extends ContainerRuntime {
  readonly name: EngineKind;
  readonly endpoint: EngineEndpoint;
  /** The engine's own version, e.g. "20.10.24" or "4.3.1". */
  readonly version: string;
  /** One container's inspect: `unknown`, with the engine's words, when it answers an error. */
  containerStatus(name: string, signal?: AbortSignal): Promise<ContainerState>;
  /** The image's layers from its registry, read with the engine's platform, insecure registries and the --docker-config logins. */
  readLayerPlan(image: ImageReference, signal: AbortSignal): Promise<LayerPlan | null>;
  /** Why the engine counts as not answering right now (slow or hung), or null. */
  unavailable(): string | null;
  /** Ends the transport's kept-alive connections (ssh children, TLS sessions). */
  close(): void;
}

export interface EngineOptions {
  /** Logins per registry host (from --docker-config): sent to the engine with a pull, and used to read the manifest beside it. */
  credentials?: RegistryCredentials;
  /** The engine's platform, which picks the manifest from an index; connectEngine reads it from /version. Default: linux on this host's architecture. */
  platform?: Platform;
  /** Gets one line per pull whose layer plan could not be read from its registry (the server's log). */
  log?: (line: string) => void;
  /** How long a ping, inspect, list or version request may take before it is abandoned. */
  requestTimeoutMs?: number;
  /** How long a listing waits for this engine before its slots show unknown (see read-budget.ts). */
  readBudgetMs?: number;
  /** How long a pull may go without a byte from the engine (before its answer, or between lines) before it fails. */
  pullSilenceMs?: number;
  /** For the read budget's timer; the system clock by default. */
  clock?: Clock;
  /** Injected transport, for tests; by default the one the endpoint needs, made with `transport`. */
  fetch?: EngineFetch;
  /** How the default transport is made (ssh's environment). */
  transport?: TransportOptions;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
/** How long a listing waits for an engine across a network before its slots show unknown. */
export const DEFAULT_READ_BUDGET_MS = 2000;
/**
 * Over ssh a request may need a new connection first: a handshake and the
 * remote CLI starting (`docker system dial-stdio`), a second or more on a
 * busy host. Its deadline and listing budget allow for that.
 */
export const SSH_REQUEST_TIMEOUT_MS = 15_000;
export const SSH_READ_BUDGET_MS = 5000;
/** dockerd answers a pull only once the registry has given the manifest; a stuck registry can take a while. */
export const DEFAULT_PULL_SILENCE_MS = 120_000;

/**
 * The deadline and listing budget for this endpoint, unless the options
 * say. The local socket gets the whole deadline as its budget: it answers
 * or fails, and on a starved machine a container list can take seconds.
 */
function limits(endpoint: EngineEndpoint, options: EngineOptions): { timeoutMs: number; budgetMs: number } {
  const timeoutMs = options.requestTimeoutMs ?? (endpoint.kind === 'ssh' ? SSH_REQUEST_TIMEOUT_MS : DEFAULT_REQUEST_TIMEOUT_MS);
  const budgetMs = endpoint.kind === 'ssh' ? SSH_READ_BUDGET_MS : endpoint.kind === 'unix' ? timeoutMs : DEFAULT_READ_BUDGET_MS;
  return { timeoutMs, budgetMs: options.readBudgetMs ?? budgetMs };
}

/** Pings the engine and asks its kind and version; throws one line with advice when it does not answer. */
export async function connectEngine(endpoint: EngineEndpoint, options: EngineOptions = {}): Promise<EngineRuntime> {
  const call = options.fetch ?? engineFetch(endpoint, options.transport);
  // A transport made here is ended here when the engine does not answer; one passed in belongs to the caller.
  const closeOnFailure = options.fetch === undefined;
  const { timeoutMs } = limits(endpoint, options);
  try {
    const ping = await request(call, endpoint, '/_ping', { signal: AbortSignal.timeout(timeoutMs) }, timeoutMs);
    const pong = await ping.text();
    if (ping.status !== 200) throw new RuntimeFailure(pingRefusal(endpoint, ping.status, pong));
    const about = (await (await request(call, endpoint, '/version', { signal: AbortSignal.timeout(timeoutMs) }, timeoutMs)).json()) as VersionAnswer;
    const version = typeof about.Version === 'string' ? about.Version : 'unknown';
    return createEngineRuntime(endpoint, engineKind(about), version, { platform: enginePlatform(about), ...options, fetch: call });
  } catch (error) {
    if (closeOnFailure) call.close?.();
    if (!(error instanceof RuntimeFailure)) throw new RuntimeFailure(`the engine at ${endpoint.display} answered /version with no JSON (${reason(error)})`);
    if (typeof error.details.reason !== 'string') throw error;
    throw new RuntimeFailure(
      `no container engine answers at ${endpoint.display} (${error.details.reason}); start dockerd or \`podman system service\`, or pass --engine`,
      error.details,
    );
  }
}

/** Why an answer other than 200 to /_ping means this is not (yet) a usable engine. */
function pingRefusal(endpoint: EngineEndpoint, status: number, body: string): string {
  if (status === 400 && /HTTPS server/i.test(body)) {
    return `the engine at ${endpoint.display} speaks TLS: give its CA, client certificate and key (the slots file's "tls", DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or a docker context)`;
  }
  return `no container engine answers at ${endpoint.display} (/_ping answered ${status} ${body.slice(0, 100)}); start dockerd or \`podman system service\`, or pass --engine`;
}

interface VersionAnswer {
  Version?: unknown;
  Os?: unknown;
  Arch?: unknown;
  Platform?: { Name?: unknown };
  Components?: { Name?: unknown }[];
}

/** The engine's `Os`/`Arch` (Go names, as in an index), or undefined when it does not say. */
function enginePlatform(about: VersionAnswer): Platform | undefined {
  if (typeof about.Os !== 'string' || typeof about.Arch !== 'string' || about.Os === '' || about.Arch === '') return undefined;
  return { os: about.Os, architecture: about.Arch };
}

function engineKind(about: VersionAnswer): EngineKind {
  const names = [about.Platform?.Name, ...(about.Components ?? []).map((component) => component.Name)];
  return names.some((name) => typeof name === 'string' && /podman/i.test(name)) ? 'podman' : 'docker';
}

export function createEngineRuntime(endpoint: EngineEndpoint, kind: EngineKind, version: string, options: EngineOptions = {}): EngineRuntime {
  const call = options.fetch ?? engineFetch(endpoint, options.transport);
  const { timeoutMs, budgetMs } = limits(endpoint, options);
  const budget = createReadBudget({ budgetMs, clock: options.clock ?? systemClock, target: endpoint.display });
  const bounded = (signal?: AbortSignal): AbortSignal =>
    signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const read = (path: string, signal?: AbortSignal): Promise<Response> => request(call, endpoint, path, { signal: bounded(signal) }, timeoutMs);
  const planReaderWith = (insecure: readonly string[]): ReadLayerPlan =>
    layerPlanReader(createManifestReader({ credentials: options.credentials, platform: options.platform, insecureRegistries: insecure }), options.log);
  const loopbackPlanReader = planReaderWith([]);
  // Made at the first pull from a registry off this host: the engine's insecure registries come from one /info, asked then.
  let enginePlanReader: Promise<ReadLayerPlan> | null = null;
  const readLayerPlan: ReadLayerPlan = (image, signal) => {
    // Loopback is plain HTTP anyway: its pulls do not wait for /info (0.6 s on podman 4.3, 20 ms on dockerd).
    if (allowsPlainHttp(registryLocation(image).host, [])) return loopbackPlanReader(image, signal);
    enginePlanReader ??= insecureRegistries(read).then(planReaderWith);
    return enginePlanReader.then((readPlan) => readPlan(image, signal));
  };

  async function containerStatus(name: string, signal?: AbortSignal): Promise<ContainerState> {
    const response = await read(`/containers/${encodeURIComponent(name)}/json`, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return { status: 'absent', error: null };
    }
    if (response.status !== 200) return { status: 'unknown', error: await engineMessage(response) };
    return containerStateFrom(((await response.json()) as { State?: unknown }).State);
  }

  return {
    name: kind,
    endpoint,
    version,

    unavailable: () => budget.slow,
    close: () => call.close?.(),

    inspectImage: (image, signal) =>
      budget.run(async () => {
        const response = await read(`/images/${image.explicit}/json`, signal);
        // Read, not cancelled: a connection whose answer was read whole is kept for the next request (an ssh child, a TLS session).
        await response.arrayBuffer();
        if (response.status === 200) return 'present';
        if (response.status === 404) return 'missing';
        throw new RuntimeFailure(`${endpoint.display} answered ${response.status} to an image inspect`, { http_status: response.status });
      }),

    containerStatus,

    containerStates: (names, signal) => budget.run(() => containerStates(names, signal)),

    readLayerPlan,

    pullImage(image, signal): PullOutput {
      const auth = options.credentials?.(image.registry)?.engineHeader();
      return { format: 'engine-json', chunks: pullChunks(call, endpoint, image, signal, auth, options.pullSilenceMs ?? DEFAULT_PULL_SILENCE_MS) };
    },
  };

  async function containerStates(names: readonly string[], signal?: AbortSignal): Promise<Map<string, ContainerState>> {
    const response = await read('/containers/json?all=1', signal);
    if (response.status !== 200) {
      const said = await engineMessage(response);
      throw new RuntimeFailure(`${endpoint.display} answered ${response.status} to a container list: ${said}`, { http_status: response.status });
    }
    const body: unknown = await response.json().catch((error: unknown) => {
      throw new RuntimeFailure(`the container list from ${endpoint.display} is not JSON (${reason(error)})`);
    });
    const states = statesForNames(statesFromEngineList(body), names);
    // The list has no OOMKilled and no engine error: the few it shows crashed are inspected for them.
    const crashed = [...states].filter(([, state]) => state.status === 'crashed');
    await Promise.all(
      crashed.map(async ([name, listed]) => {
        const inspected = await containerStatus(name, signal).catch(() => listed);
        states.set(name, inspected.status === 'unknown' ? listed : inspected);
      }),
    );
    return states;
  }
}

async function* pullChunks(
  call: EngineFetch,
  endpoint: EngineEndpoint,
  image: ImageReference,
  signal: AbortSignal,
  /** The `X-Registry-Auth` header for the image's registry, if there is a login for it. */
  auth: string | undefined,
  silenceMs: number,
): AsyncGenerator<string> {
  // Always an explicit tag (or digest): with an empty tag dockerd pulls every tag.
  const query = new URLSearchParams({ fromImage: image.name, tag: image.pullTag });
  const headers: Record<string, string> = auth === undefined ? {} : { 'X-Registry-Auth': auth };
  // A hung engine must not hold the pull (and its queue) forever: silence past the limit aborts it.
  const silence = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const heard = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => silence.abort(), silenceMs);
  };
  const silent = (): RuntimeFailure =>
    new RuntimeFailure(`the engine at ${endpoint.display} said nothing for ${silenceMs / 1000} s, so the pull was given up`, { timed_out: true });
  heard();
  try {
    let response: Response;
    try {
      response = await request(call, endpoint, `/images/create?${query}`, { method: 'POST', headers, signal: AbortSignal.any([signal, silence.signal]) });
    } catch (error) {
      throw silence.signal.aborted && !signal.aborted ? silent() : error;
    }
    // dockerd refuses before streaming with a real status; podman answers 200 and puts the error in the stream.
    if (response.status !== 200) {
      throw new RuntimeFailure(await engineMessage(response), { http_status: response.status });
    }
    if (response.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        heard();
        yield decoder.decode(chunk, { stream: true });
      }
    } catch (error) {
      if (signal.aborted) throw error;
      if (silence.signal.aborted) throw silent();
      // The engine went away mid-pull (stopped, crashed, the connection cut).
      throw new RuntimeFailure(`the engine at ${endpoint.display} closed the connection mid-pull (${reason(error)})`, { engine: endpoint.display });
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request whose failure reads as the engine being unreachable, with the
 * reason in `details.reason`; past its deadline (a timeout signal), as the
 * engine not answering in time. Both carry `details.engine`, which a named
 * engine takes as "down".
 */
async function request(call: EngineFetch, endpoint: EngineEndpoint, path: string, init: EngineRequest, deadlineMs?: number): Promise<Response> {
  try {
    return await call(path, init);
  } catch (error) {
    const aborted = init.signal?.aborted === true;
    if (aborted && (init.signal?.reason as Error | undefined)?.name === 'TimeoutError' && deadlineMs !== undefined) {
      const why = `no answer within ${deadlineMs / 1000} s`;
      throw new RuntimeFailure(`the engine at ${endpoint.display} did not answer within ${deadlineMs / 1000} s`, { engine: endpoint.display, reason: why });
    }
    if (aborted) throw error;
    if (error instanceof EngineTransportError) throw new RuntimeFailure(error.message, { engine: endpoint.display, explained: true });
    const why = reason(error);
    throw new RuntimeFailure(`cannot reach the engine at ${endpoint.display}: ${why}`, { engine: endpoint.display, reason: why });
  }
}

/**
 * The registries the engine reaches over plain HTTP, from its /info
 * (`RegistryConfig`: dockerd's --insecure-registry, podman's registries.conf
 * `insecure`), for the manifest read beside a pull. An engine that does not
 * say leaves loopback only (the reader's default).
 */
async function insecureRegistries(read: (path: string) => Promise<Response>): Promise<string[]> {
  try {
    const response = await read('/info');
    if (response.status !== 200) {
      await response.body?.cancel();
      return [];
    }
    return insecureRegistriesFromEngineInfo(await response.json());
  } catch {
    // The engine could not be asked now: plain HTTP stays for loopback only, and the read says why if it needed more.
    return [];
  }
}

/** The engine's own words from an error answer (`{"message": …}`), else its status. */
async function engineMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim() === '' ? `the engine answered HTTP ${response.status}` : text.trim().slice(0, 500);
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } }).cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return typeof cause === 'string' ? `${message}: ${cause}` : message;
}
