import type { PullSnapshot } from '../../wire/types.ts';
import { SlotPullEvent } from './slot-pull-event.ts';

/** A running pull moved; at most 4 a second (the last one of a burst is never lost). */
export class SlotPullProgressEvent extends SlotPullEvent {
  constructor(snapshot: PullSnapshot) {
    super('slot-pull-progress', snapshot);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-pull-progress': SlotPullProgressEvent;
  }
}
