/** What serves one engine's slots: its runtime, the registry of its pulls and its containers' states. */
import type { ContainerRuntime } from '../runtime.ts';
import type { ContainerStates } from './container-states.ts';
import type { PullRegistry } from './pull-registry.ts';

export interface SlotTarget {
  readonly runtime: ContainerRuntime;
  readonly registry: PullRegistry;
  readonly containers: ContainerStates;
}
