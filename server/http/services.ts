/** What the routes share: the slots, where each slot's pulls go, the views, the feed, the clock and the history. */
import type { Slot } from '../core/slot.ts';
import type { Clock } from '../core/clock.ts';
import type { SlotFeed } from '../core/registry/slot-feed.ts';
import type { SlotTarget } from '../core/registry/slot-target.ts';
import type { SlotViews } from '../core/registry/slot-views.ts';
import type { StreamSet } from '../core/sse/stream-set.ts';
import type { ContainerSlot } from '../core/slot.ts';
import type { HistoryPage, HistoryQuery } from '../core/history/query.ts';

export interface Services {
  slots: ReadonlyMap<string, Slot>;
  targetFor: (slot: ContainerSlot) => SlotTarget;
  views: SlotViews;
  /** Each slot's current frame, and which slot changed: what snapshots and streams read. */
  feed: SlotFeed;
  clock: Clock;
  version: string;
  /** Open streams: one heartbeat for all, ended together when the server closes. */
  openStreams: StreamSet;
  /** The pull history, for `GET /api/pulls`. */
  history: { page(query: HistoryQuery): HistoryPage };
}
