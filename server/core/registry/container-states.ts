/**
 * The containers of one runtime's slots: their states from one container
 * list (a listing costs one request however many slots it shows), shared
 * by every caller within a TTL. The last state of each container is kept at
 * hand (`known`), for frames built without an await, and a change — a
 * crash, a start, a container removed — is told to the container's
 * listeners: what the live watch reads every few seconds reaches the streams.
 */
import type { Clock } from '../clock.ts';
import type { ContainerRuntime, ContainerState } from '../runtime.ts';
import { createTtlCache, type TtlCache } from '../ttl-cache.ts';
import { ChangeListeners, type ChangeListener } from './change-listeners.ts';

export interface ContainerStatesOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  /** Every container asked about: the runtime's slots' containers. */
  names: readonly string[];
  /** How long a list is reused. */
  ttlMs: number;
}

/** The one list's key in the TTL cache. */
const LIST = 'list';

export class ContainerStates {
  readonly #runtime: ContainerRuntime;
  readonly #names: readonly string[];
  readonly #known = new Map<string, ContainerState>();
  readonly #lists: TtlCache<typeof LIST, void>;
  readonly #listeners = new ChangeListeners<string>();

  constructor(options: ContainerStatesOptions) {
    this.#runtime = options.runtime;
    this.#names = [...new Set(options.names)];
    this.#lists = createTtlCache(options.clock, options.ttlMs);
  }

  /** The container's state from a list at most a TTL old; `unknown`, with why, when the runtime could not be asked. */
  async get(name: string): Promise<ContainerState> {
    if (!this.#names.includes(name)) throw new Error(`container "${name}" is not among those these states were made with`);
    await this.#lists.get(LIST, () => this.#list());
    return this.#known.get(name) as ContainerState;
  }

  /** Lists the containers now, even within the TTL (the live watch, every few seconds). */
  refresh(): Promise<void> {
    this.#lists.delete(LIST);
    return this.#lists.get(LIST, () => this.#list());
  }

  /** The last state listed, without asking; undefined before the first list. */
  known(name: string): ContainerState | undefined {
    return this.#known.get(name);
  }

  /** Calls `listener` with the container's name whenever the state of one of `names` changes; returns the way out. */
  watch(names: Iterable<string>, listener: ChangeListener<string>): () => void {
    return this.#listeners.watch(names, listener);
  }

  /** Listeners attached (for leak checks). */
  get listenerCount(): number {
    return this.#listeners.count;
  }

  async #list(): Promise<void> {
    let lookup: (name: string) => ContainerState;
    try {
      const states = await this.#runtime.containerStates(this.#names);
      lookup = (name) => states.get(name) ?? { status: 'unknown', error: `the runtime did not list "${name}"` };
    } catch (error) {
      const failed: ContainerState = { status: 'unknown', error: error instanceof Error ? error.message : String(error) };
      lookup = () => failed;
    }
    for (const name of this.#names) this.#learn(name, lookup(name));
  }

  /** Keeps the state; the same state keeps its object, so a frame built on it holds. A first state is no change. */
  #learn(name: string, state: ContainerState): void {
    const before = this.#known.get(name);
    if (before?.status === state.status && before.error === state.error) return;
    this.#known.set(name, state);
    if (before !== undefined) this.#listeners.notify(name);
  }
}
