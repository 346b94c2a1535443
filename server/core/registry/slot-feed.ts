/**
 * What the SSE streams read: for a set of slots, which one changed, and that
 * slot's current frame (its snapshot and the snapshot as message data). A
 * job's frame is built once per job version and serialized once, for every
 * stream on the slot, and it is at hand without an await, so a thousand
 * readers woken by one beat all write at once. Listeners are told which
 * slot changed, not which job or image, so a stream need not know why.
 */
import type { ContainerSlot } from '../slot.ts';
import type { PullSnapshot } from '../types.ts';
import type { PullRegistry } from './pull-registry.ts';
import { jobSnapshot, noJobSnapshot } from './slot-snapshot.ts';

/** A slot's state as one SSE message carries it. */
export interface SlotFrame {
  readonly snapshot: PullSnapshot;
  /** The snapshot as the message's data (JSON), serialized on first read. */
  readonly data: string;
}

/** Called with the slot that changed. */
export type SlotListener = (slot: ContainerSlot) => void;

export interface SlotFeedOptions {
  /** The registry whose jobs a slot follows (one per engine). */
  registryFor: (slot: ContainerSlot) => PullRegistry;
}

export class SlotFeed {
  readonly #registryFor: (slot: ContainerSlot) => PullRegistry;
  /** Per slot, the frame of its job at the version it was built for. */
  readonly #frames = new Map<string, { jobId: string; version: number; frame: SlotFrame }>();

  constructor(options: SlotFeedOptions) {
    this.#registryFor = options.registryFor;
  }

  /** Calls `onChange` whenever one of `slots` changes; returns the way out. */
  watch(slots: readonly ContainerSlot[], onChange: SlotListener): () => void {
    // Per registry (engine), the slots that follow each image: one listener per registry.
    const watched = new Map<PullRegistry, Map<string, ContainerSlot[]>>();
    for (const slot of slots) {
      const registry = this.#registryFor(slot);
      const byImage = watched.get(registry) ?? new Map<string, ContainerSlot[]>();
      watched.set(registry, byImage.set(slot.image.key, [...(byImage.get(slot.image.key) ?? []), slot]));
    }
    const unwatches = [...watched].map(([registry, byImage]) =>
      registry.watch(byImage.keys(), (imageKey) => {
        for (const slot of byImage.get(imageKey) ?? []) onChange(slot);
      }),
    );
    return () => {
      for (const unwatch of unwatches) unwatch();
    };
  }

  /** The frame of the slot's active or recent job, without an await; null when there is none. */
  jobFrame(slot: ContainerSlot): SlotFrame | null {
    const job = this.#registryFor(slot).job(slot.image);
    if (job === undefined) return null;
    const cached = this.#frames.get(slot.name);
    if (cached !== undefined && cached.jobId === job.id && cached.version === job.version) return cached.frame;
    const frame = new LazyFrame(jobSnapshot(slot, job));
    this.#frames.set(slot.name, { jobId: job.id, version: job.version, frame });
    return frame;
  }

  /** The slot's frame: its job's, or one from the image's presence (the engine is asked, cached). */
  async frame(slot: ContainerSlot): Promise<SlotFrame> {
    const active = this.jobFrame(slot);
    if (active !== null) return active;
    const registry = this.#registryFor(slot);
    const status = await registry.imageStatus(slot.image);
    // A job may have started while the engine was asked; it is the truth then.
    return this.jobFrame(slot) ?? new LazyFrame(noJobSnapshot(slot, status === 'pulling' ? 'unknown' : status, registry.runtimeName));
  }
}

/** Serializes its snapshot once, when a stream first needs the bytes (a JSON answer never does). */
class LazyFrame implements SlotFrame {
  readonly snapshot: PullSnapshot;
  #data: string | null = null;

  constructor(snapshot: PullSnapshot) {
    this.snapshot = snapshot;
  }

  get data(): string {
    this.#data ??= JSON.stringify(this.snapshot);
    return this.#data;
  }
}
