/** The engines' parts and a feed over them, as server/http/app.ts composes them, for core tests. */
import type { Clock } from '../../server/core/clock.ts';
import { ContainerStates } from '../../server/core/registry/container-states.ts';
import { PullRegistry, type PullRegistryOptions } from '../../server/core/registry/pull-registry.ts';
import { SlotFeed } from '../../server/core/registry/slot-feed.ts';
import type { SlotTarget } from '../../server/core/registry/slot-target.ts';
import type { ContainerRuntime } from '../../server/core/runtime.ts';
import type { ContainerSlot } from '../../server/core/slot.ts';

export interface TargetsOptions {
  /** By engine name (null: the default runtime). */
  runtimes: ReadonlyMap<string | null, ContainerRuntime>;
  slots: readonly ContainerSlot[];
  clock: Clock;
  /** Registry options beside runtime and clock; job ids `p_1`, `p_2`, … by default (one count for all engines). */
  registry?: Partial<Omit<PullRegistryOptions, 'runtime' | 'clock'>>;
  ttlMs?: number;
  watchIntervalMs?: number;
}

export interface Targets {
  targets: Map<string | null, SlotTarget>;
  targetFor: (slot: ContainerSlot) => SlotTarget;
  registryOf: (engine: string | null) => PullRegistry;
  feed: SlotFeed;
  close(): void;
}

export function slotTargets({ runtimes, slots, clock, registry, ttlMs = 2000, watchIntervalMs }: TargetsOptions): Targets {
  let ids = 0;
  const targets = new Map<string | null, SlotTarget>();
  for (const [engine, runtime] of runtimes) {
    targets.set(engine, {
      runtime,
      registry: new PullRegistry({ newJobId: () => `p_${++ids}`, ...registry, runtime, clock }),
      containers: new ContainerStates({ runtime, clock, names: slots.filter((slot) => slot.engine === engine).map((slot) => slot.container), ttlMs }),
    });
  }
  const targetFor = (slot: ContainerSlot): SlotTarget => targets.get(slot.engine) as SlotTarget;
  return {
    targets,
    targetFor,
    registryOf: (engine) => (targets.get(engine) as SlotTarget).registry,
    feed: new SlotFeed({ slots, targetFor, clock, watchIntervalMs }),
    close: () => {
      for (const target of targets.values()) target.registry.close();
    },
  };
}
