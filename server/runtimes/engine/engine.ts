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
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';
import type { RegistryAuth } from './registry-auth.ts';
import { engineFetch, type EngineFetch } from './transport.ts';

export type EngineKind = 'docker' | 'podman';

export interface EngineRuntime extends ContainerRuntime {
  readonly name: EngineKind;
  readonly endpoint: EngineEndpoint;
  /** The engine's own version, e.g. "20.10.24" or "4.3.1". */
  readonly version: string;
  /** One container's inspect: `unknown`, with the engine's words, when it answers an error. */
  containerStatus(name: string, signal?: AbortSignal): Promise<ContainerState>;
}

export interface EngineOptions {
  /** Credentials per registry host (from --docker-config). */
  auth?: RegistryAuth;
  /** How long a ping, inspect or version request may take. */
  requestTimeoutMs?: number;
  /** Injected transport, for tests; by default a socket or fetch per the endpoint. */
  fetch?: EngineFetch;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** Pings the engine and asks its kind and version; throws with advice when it does not answer. */
export async function connectEngine(endpoint: EngineEndpoint, options: EngineOptions = {}): Promise<EngineRuntime> {
  const call = options.fetch ?? engineFetch(endpoint);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const unreachable = (why: string) =>
    new RuntimeFailure(`no container engine answers at ${endpoint.display} (${why}); start dockerd or \`podman system service\`, or pass --engine`);
  let ping: Response;
  try {
    ping = await call('/_ping', { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw unreachable(reason(error));
  }
  const pong = await ping.text();
  if (ping.status !== 200) throw unreachable(`/_ping answered ${ping.status} ${pong.slice(0, 100)}`);
  const about = (await (await call('/version', { signal: AbortSignal.timeout(timeoutMs) })).json()) as VersionAnswer;
  return createEngineRuntime(endpoint, engineKind(about), typeof about.Version === 'string' ? about.Version : 'unknown', {
    ...options,
    fetch: call,
  });
}

interface VersionAnswer {
  Version?: unknown;
  Platform?: { Name?: unknown };
  Components?: { Name?: unknown }[];
}

function engineKind(about: VersionAnswer): EngineKind {
  const names = [about.Platform?.Name, ...(about.Components ?? []).map((component) => component.Name)];
  return names.some((name) => typeof name === 'string' && /podman/i.test(name)) ? 'podman' : 'docker';
}

export function createEngineRuntime(endpoint: EngineEndpoint, kind: EngineKind, version: string, options: EngineOptions = {}): EngineRuntime {
  const call = options.fetch ?? engineFetch(endpoint);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const bounded = (signal?: AbortSignal): AbortSignal =>
    signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

  async function containerStatus(name: string, signal?: AbortSignal): Promise<ContainerState> {
    const response = await request(call, endpoint, `/containers/${encodeURIComponent(name)}/json`, { signal: bounded(signal) });
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

    async inspectImage(image, signal) {
      const response = await request(call, endpoint, `/images/${image.explicit}/json`, { signal: bounded(signal) });
      await response.body?.cancel();
      if (response.status === 200) return 'present';
      if (response.status === 404) return 'missing';
      throw new RuntimeFailure(`${endpoint.display} answered ${response.status} to an image inspect`, { http_status: response.status });
    },

    containerStatus,

    async containerStates(names, signal) {
      const response = await request(call, endpoint, '/containers/json?all=1', { signal: bounded(signal) });
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
    },

    pullImage(image, signal): PullOutput {
      return { format: 'engine-json', chunks: pullChunks(call, endpoint, image, signal, options.auth) };
    },
  };
}

async function* pullChunks(
  call: EngineFetch,
  endpoint: EngineEndpoint,
  image: ImageReference,
  signal: AbortSignal,
  auth: RegistryAuth | undefined,
): AsyncGenerator<string> {
  // Always an explicit tag (or digest): with an empty tag dockerd pulls every tag.
  const query = new URLSearchParams({ fromImage: image.name, tag: image.pullTag });
  const credentials = auth?.(image.registry);
  const headers: Record<string, string> = credentials === undefined ? {} : { 'X-Registry-Auth': credentials };
  const response = await request(call, endpoint, `/images/create?${query}`, { method: 'POST', headers, signal });
  // dockerd refuses before streaming with a real status; podman answers 200 and puts the error in the stream.
  if (response.status !== 200) {
    throw new RuntimeFailure(await engineMessage(response), { http_status: response.status });
  }
  if (response.body === null) return;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) yield decoder.decode(chunk, { stream: true });
  } catch (error) {
    if (signal.aborted) throw error;
    // The engine went away mid-pull (stopped, crashed, the socket cut).
    throw new RuntimeFailure(`the engine at ${endpoint.display} closed the connection mid-pull (${reason(error)})`, { engine: endpoint.display });
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** A request whose transport failure reads as the engine being unreachable. */
async function request(call: EngineFetch, endpoint: EngineEndpoint, path: string, init: Parameters<EngineFetch>[1]): Promise<Response> {
  try {
    return await call(path, init);
  } catch (error) {
    if (init?.signal?.aborted === true && (error as Error).name === 'AbortError') throw error;
    throw new RuntimeFailure(`cannot reach the engine at ${endpoint.display}: ${reason(error)}`, { engine: endpoint.display });
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
