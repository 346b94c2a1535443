/**
 * What the SSE streams read: for a set of slots, which one changed, and that
 * slot's current frame (its snapshot and the snapshot as message data). A
 * slot changes when its job moves, its image comes or goes, or its
 * container starts, stops or crashes; while a stream follows a slot, its
 * engine's live watch reads the last two again every few seconds. A frame
 * is built once per version of what it shows and serialized once, for every
 * stream on the slot, and it is at hand without an await, so a thousand
 * readers woken by one beat all write at once. Listeners are told which
 * slot changed, not why, so a stream need not know.
 */
import type { Clock } from '../clock.ts';
import type { ContainerState } from '../runtime.ts';
import type { ContainerSlot } from '../slot.ts';
import type { ImageStatus, PullSnapshot } from '../types.ts';
import { LiveWatch } from './live-watch.ts';
import type { JobProgress, PullJobView } from './pull-job.ts';
import { jobSnapshot, noJobSnapshot } from './slot-snapshot.ts';
import type { SlotTarget } from './slot-target.ts';

/** A slot's state as one SSE message carries it. */
export interface SlotFrame {
  readonly snapshot: PullSnapshot;
  /** The snapshot as the message's data (JSON), serialized on first read. */
  readonly data: string;
}

/** Called with the slot that changed. */
export type SlotListener = (slot: ContainerSlot) => void;

export interface SlotFeedOptions {
  /** Every container slot: who shares an image, and what each engine's live watch reads. */
  slots: readonly ContainerSlot[];
  /** The engine a slot's pulls go to (one object per engine). */
  targetFor: (slot: ContainerSlot) => SlotTarget;
  clock: Clock;
  /** How often an engine's containers and images are read while a stream follows them (default 2 s). */
  watchIntervalMs?: number;
}

/** A built frame and what it was built from: it holds while all of them are the same. */
interface BuiltFrame {
  readonly job: PullJobView | undefined;
  readonly version: number | undefined;
  readonly imageStatus: ImageStatus;
  readonly container: ContainerState;
  readonly frame: SlotFrame;
}

export class SlotFeed {
  readonly #targetFor: (slot: ContainerSlot) => SlotTarget;
  /** By slot name: the other slots with its image on its engine. */
  readonly #sharedWith = new Map<string, readonly string[]>();
  readonly #watches = new Map<SlotTarget, LiveWatch>();
  readonly #frames = new Map<string, BuiltFrame>();
  /** Each job's progress at the version its frames were built at (see #progressOf). */
  readonly #progress = new WeakMap<PullJobView, { version: number; progress: JobProgress }>();

  constructor(options: SlotFeedOptions) {
    this.#targetFor = options.targetFor;
    // Per engine, the slots of each image.
    const byTarget = new Map<SlotTarget, Map<string, ContainerSlot[]>>();
    for (const slot of options.slots) {
      const target = options.targetFor(slot);
      const byImage = byTarget.get(target) ?? new Map<string, ContainerSlot[]>();
      byTarget.set(target, byImage.set(slot.image.key, [...(byImage.get(slot.image.key) ?? []), slot]));
    }
    for (const [target, byImage] of byTarget) {
      for (const group of byImage.values()) {
        for (const slot of group) this.#sharedWith.set(slot.name, group.filter((other) => other !== slot).map((other) => other.name));
      }
      const images = [...byImage.values()].map((group) => (group[0] as ContainerSlot).image);
      const refresh = async (): Promise<void> => {
        await Promise.all([target.containers.refresh(), ...images.map((image) => target.registry.refreshImageStatus(image))]);
      };
      this.#watches.set(target, new LiveWatch({ clock: options.clock, intervalMs: options.watchIntervalMs, refresh }));
    }
  }

  /** Calls `onChange` whenever one of `slots` changes, and keeps their engines' live watches going; returns the way out. */
  watch(slots: readonly ContainerSlot[], onChange: SlotListener): () => void {
    // Per engine, the slots that follow each image and each container: one listener of each kind per engine.
    const watched = new Map<SlotTarget, { byImage: Map<string, ContainerSlot[]>; byContainer: Map<string, ContainerSlot[]> }>();
    for (const slot of slots) {
      const target = this.#targetFor(slot);
      const entry = watched.get(target) ?? { byImage: new Map<string, ContainerSlot[]>(), byContainer: new Map<string, ContainerSlot[]>() };
      watched.set(target, entry);
      entry.byImage.set(slot.image.key, [...(entry.byImage.get(slot.image.key) ?? []), slot]);
      entry.byContainer.set(slot.container, [...(entry.byContainer.get(slot.container) ?? []), slot]);
    }
    const tell = (group: ContainerSlot[] | undefined): void => {
      for (const slot of group ?? []) onChange(slot);
    };
    const unwatches = [...watched].flatMap(([target, { byImage, byContainer }]) => [
      target.registry.watch(byImage.keys(), (imageKey) => tell(byImage.get(imageKey))),
      target.containers.watch(byContainer.keys(), (name) => tell(byContainer.get(name))),
      this.#watchOf(target).follow(),
    ]);
    return () => {
      for (const unwatch of unwatches) unwatch();
    };
  }

  /**
   * The slot's frame as it is now, without an await; null while something
   * it shows has not been asked of the engine yet (then `frame()`).
   */
  frameNow(slot: ContainerSlot): SlotFrame | null {
    const { registry, containers } = this.#targetFor(slot);
    const imageStatus = registry.knownImageStatus(slot.image);
    const container = containers.known(slot.container);
    if (imageStatus === undefined || container === undefined) return null;
    const job = registry.job(slot.image);
    const built = this.#frames.get(slot.name);
    if (
      built !== undefined &&
      built.job === job &&
      built.version === job?.version &&
      built.imageStatus === imageStatus &&
      built.container === container
    ) {
      return built.frame;
    }
    const facts = {
      image_status: imageStatus,
      container_status: container.status,
      container_error: container.error,
      shared_with: this.#sharedWith.get(slot.name) ?? [],
    };
    const snapshot =
      job === undefined
        ? noJobSnapshot(slot, imageStatus === 'pulling' ? 'unknown' : imageStatus, registry.runtimeName, facts)
        : jobSnapshot(slot, job, facts, this.#progressOf(job));
    const frame = new LazyFrame(snapshot);
    this.#frames.set(slot.name, { job, version: job?.version, imageStatus, container, frame });
    return frame;
  }

  /**
   * The job's progress at its current version, one for every slot that
   * shares the job: asked once per slot, at moments a little apart, two bars
   * of one pull said 40.9 and 41 MB/s.
   */
  #progressOf(job: PullJobView): JobProgress {
    const held = this.#progress.get(job);
    if (held?.version === job.version) return held.progress;
    const progress = job.progress();
    this.#progress.set(job, { version: job.version, progress });
    return progress;
  }

  /** The slot's frame from answers of the engine at most a TTL old (shared, cached): what JSON answers show. */
  async frame(slot: ContainerSlot): Promise<SlotFrame> {
    const { registry, containers } = this.#targetFor(slot);
    for (;;) {
      await Promise.all([registry.imageStatus(slot.image), containers.get(slot.container)]);
      const frame = this.frameNow(slot);
      // A job that ended meanwhile may need the image's presence after all: then once more.
      if (frame !== null) return frame;
    }
  }

  #watchOf(target: SlotTarget): LiveWatch {
    const watch = this.#watches.get(target);
    if (watch === undefined) throw new Error('a slot on an engine this feed was not made with');
    return watch;
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
