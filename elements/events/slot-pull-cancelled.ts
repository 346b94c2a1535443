import type { PullSnapshot } from '../../wire/types.ts';
import { SlotPullEvent } from './slot-pull-event.ts';

/** The pull ended `cancelled` (a DELETE, from this page or elsewhere). */
export class SlotPullCancelledEvent extends SlotPullEvent {
  constructor(snapshot: PullSnapshot) {
    super('slot-pull-cancelled', snapshot);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-pull-cancelled': SlotPullCancelledEvent;
  }
}
