/** What the routes share: the slots, the registry and the clock. */
import type { Slot } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { PullRegistry } from '../core/registry/pull-registry.ts';
import type { SlotViews } from '../core/registry/slot-views.ts';

export interface Services {
  slots: ReadonlyMap<string, Slot>;
  registry: PullRegistry;
  views: SlotViews;
  clock: Clock;
  version: string;
  heartbeatMs?: number;
}
