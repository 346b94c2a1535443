/** What the routes share: the slots, where each slot's pulls go, the views and the clock. */
import type { Slot } from '../core/slot.ts';
import type { Clock } from '../core/clock.ts';
import type { SlotTarget, SlotViews } from '../core/registry/slot-views.ts';
import type { StreamSet } from '../core/sse/stream-set.ts';
import type { ContainerSlot } from '../core/slot.ts';

export interface Services {
  slots: ReadonlyMap<string, Slot>;
  targetFor: (slot: ContainerSlot) => SlotTarget;
  views: SlotViews;
  clock: Clock;
  version: string;
  /** Open streams: one heartbeat for all, ended together when the server closes. */
  openStreams: StreamSet;
}
