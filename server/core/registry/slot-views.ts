/**
 * What a slot looks like in JSON answers (docs/api.md, PullSnapshot): its Slot object,
 * assembled from the registry, the feed's snapshot of its job and the
 * runtime's cached container list.
 */
import type { ContainerSlot, Slot } from '../slot.ts';
import type { Clock } from '../clock.ts';
import type { ContainerRuntime, ContainerState } from '../runtime.ts';
import { createTtlCache, type TtlCache } from '../ttl-cache.ts';
import type { SlotInfo } from '../types.ts';
import { DEFAULT_INSPECT_TTL_MS, type PullRegistry } from './pull-registry.ts';
import type { SlotFeed } from './slot-feed.ts';

/** The runtime a slot's pulls go to, and the registry of that runtime's jobs. */
export interface SlotTarget {
  registry: PullRegistry;
  runtime: ContainerRuntime;
}

export interface SlotViewsOptions {
  /** Every slot the views are asked about: each runtime lists the containers of its slots. */
  slots: readonly Slot[];
  targetFor: (slot: ContainerSlot) => SlotTarget;
  /** Where a slot's job snapshot comes from (built once per job version). */
  feed: SlotFeed;
  clock: Clock;
  /** How long a runtime's container list is reused. */
  lookupTtlMs?: number;
}

/** A container's state by name, from one list answer (or one failure for every name). */
type ContainerLookup = (name: string) => ContainerState;

/** The names to ask a runtime about, and the same as a set for checks. */
interface RuntimeContainers {
  names: readonly string[];
  known: ReadonlySet<string>;
}

export class SlotViews {
  readonly #targetFor: (slot: ContainerSlot) => SlotTarget;
  readonly #feed: SlotFeed;
  readonly #containersOf = new Map<ContainerRuntime, RuntimeContainers>();
  /** One in-flight or recent container list per runtime, shared by all its slots. */
  readonly #containerLists: TtlCache<ContainerRuntime, ContainerLookup>;

  constructor(options: SlotViewsOptions) {
    this.#targetFor = options.targetFor;
    this.#feed = options.feed;
    this.#containerLists = createTtlCache(options.clock, options.lookupTtlMs ?? DEFAULT_INSPECT_TTL_MS);
    const names = new Map<ContainerRuntime, Set<string>>();
    for (const slot of options.slots) {
      if (slot.provider !== 'container') continue;
      const { runtime } = options.targetFor(slot);
      names.set(runtime, (names.get(runtime) ?? new Set()).add(slot.container));
    }
    for (const [runtime, known] of names) this.#containersOf.set(runtime, { names: [...known], known });
  }

  async view(slot: Slot): Promise<SlotInfo> {
    const { name, port, model, labels } = slot;
    if (slot.provider === 'external') return { name, provider: 'external', url: slot.url, port, model, labels, pull: null };
    const { registry, runtime } = this.#targetFor(slot);
    const [imageStatus, container] = await Promise.all([registry.imageStatus(slot.image), this.#containerState(slot, runtime)]);
    return {
      name,
      provider: 'container',
      image: slot.image.raw,
      image_status: imageStatus,
      container: slot.container,
      container_status: container.status,
      container_error: container.error,
      port,
      model,
      labels,
      pull: this.#feed.jobFrame(slot)?.snapshot ?? null,
    };
  }

  /** The slot's container from its runtime's shared list; `unknown`, with why, when the runtime could not be asked. */
  async #containerState(slot: ContainerSlot, runtime: ContainerRuntime): Promise<ContainerState> {
    const containers = this.#containersOf.get(runtime);
    if (containers === undefined || !containers.known.has(slot.container)) {
      throw new Error(`slot "${slot.name}" is not among the slots these views were made with`);
    }
    const lookup = await this.#containerLists.get(runtime, () =>
      runtime.containerStates(containers.names).then(
        (states): ContainerLookup => (name) => states.get(name) ?? { status: 'unknown', error: `the runtime did not list "${name}"` },
        (error: unknown): ContainerLookup => {
          const failed: ContainerState = { status: 'unknown', error: error instanceof Error ? error.message : String(error) };
          return () => failed;
        },
      ),
    );
    return lookup(slot.container);
  }
}
