/** What the routes share: the slots, where each slot's pulls go, the views and the clock. */
import type { Slot } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { SlotTarget, SlotViews } from '../core/registry/slot-views.ts';
import type { OpenStreams } from './open-streams.ts';
import type { ContainerSlot } from '../config/schema.ts';

export interface Services {
  slots: ReadonlyMap<string, Slot>;
  targetFor: (slot: ContainerSlot) => SlotTarget;
  views: SlotViews;
  clock: Clock;
  version: string;
  heartbeatMs?: number;
  /** Open streams, ended together when the server closes. */
  openStreams: OpenStreams;
}
