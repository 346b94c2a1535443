/**
 * What a slot looks like on the wire (CONTRACT §4): its PullSnapshot and its
 * Slot object, assembled from the registry and the runtime's cached answers.
 */
import type { ContainerSlot, Slot } from '../slot.ts';
import type { Clock } from '../clock.ts';
import type { ContainerRuntime, ContainerState } from '../runtime.ts';
import { createTtlCache, type TtlCache } from '../ttl-cache.ts';
import type { ImagePresence, PullSnapshot, SlotInfo } from '../types.ts';
import { DEFAULT_INSPECT_TTL_MS, type PullRegistry } from './pull-registry.ts';

/** The runtime a slot's pulls go to, and the registry of that runtime's jobs. */
export interface SlotTarget {
  registry: PullRegistry;
  runtime: ContainerRuntime;
}

export interface SlotViewsOptions {
  /** Every slot the views are asked about: each runtime lists the containers of its slots. */
  slots: readonly Slot[];
  targetFor: (slot: ContainerSlot) => SlotTarget;
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
  readonly #containersOf = new Map<ContainerRuntime, RuntimeContainers>();
  /** One in-flight or recent container list per runtime, shared by all its slots. */
  readonly #containerLists: TtlCache<ContainerRuntime, ContainerLookup>;
  /**
   * Per slot, the snapshot of its job's latest frame: a thousand streams on
   * one slot build and serialize it once per frame, not a thousand times.
   */
  readonly #frames = new Map<string, { jobId: string; version: number; snapshot: PullSnapshot; json: string | null }>();

  constructor(options: SlotViewsOptions) {
    this.#targetFor = options.targetFor;
    this.#containerLists = createTtlCache(options.clock, options.lookupTtlMs ?? DEFAULT_INSPECT_TTL_MS);
    const names = new Map<ContainerRuntime, Set<string>>();
    for (const slot of options.slots) {
      if (slot.provider !== 'container') continue;
      const { runtime } = options.targetFor(slot);
      names.set(runtime, (names.get(runtime) ?? new Set()).add(slot.container));
    }
    for (const [runtime, known] of names) this.#containersOf.set(runtime, { names: [...known], known });
  }

  /** The job's snapshot for this slot, or a no-job snapshot from the image's presence. */
  async snapshot(slot: ContainerSlot): Promise<PullSnapshot> {
    const active = this.jobSnapshot(slot);
    if (active !== null) return active;
    const { registry } = this.#targetFor(slot);
    const status = await registry.imageStatus(slot.image);
    // A job may have started while the engine was asked; it is the truth then.
    return this.jobSnapshot(slot) ?? noJobSnapshot(slot, status === 'pulling' ? 'unknown' : status, registry.runtimeName);
  }

  /** The snapshot of the slot's active or recent job; null when there is none. */
  jobSnapshot(slot: ContainerSlot): PullSnapshot | null {
    const job = this.#targetFor(slot).registry.job(slot.image);
    if (job === undefined) return null;
    const cached = this.#frames.get(slot.name);
    if (cached !== undefined && cached.jobId === job.id && cached.version === job.version) return cached.snapshot;
    const snapshot = { slot_name: slot.name, image: slot.image.raw, job_id: job.id, runtime: job.runtime, ...job.progress() };
    this.#frames.set(slot.name, { jobId: job.id, version: job.version, snapshot, json: null });
    return snapshot;
  }

  /** The snapshot as frame data; the job's latest frame is serialized once for every stream. */
  serialize(snapshot: PullSnapshot): string {
    const cached = this.#frames.get(snapshot.slot_name);
    if (cached === undefined || cached.snapshot !== snapshot) return JSON.stringify(snapshot);
    cached.json ??= JSON.stringify(snapshot);
    return cached.json;
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
      pull: this.jobSnapshot(slot),
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

/** The snapshot of a slot no job has touched lately: its image's presence and nothing else. */
export function noJobSnapshot(slot: ContainerSlot, presence: ImagePresence, runtime: string): PullSnapshot {
  return {
    slot_name: slot.name,
    image: slot.image.raw,
    job_id: null,
    runtime,
    queue_position: null,
    state: presence,
    phase: null,
    percent: null,
    bytes_done: null,
    bytes_total: null,
    bytes_total_exact: false,
    layer: null,
    total_layers: null,
    layers_cached: null,
    layers: [],
    speed_bps: null,
    eta_s: null,
    error: null,
    error_code: null,
    started_at: null,
    updated_at: null,
    finished_at: null,
  };
}
