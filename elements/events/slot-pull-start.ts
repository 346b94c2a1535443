import type { PullSnapshot } from '../../wire/types.ts';
import { SlotPullEvent } from './slot-pull-event.ts';

/** A pull of the slot's image started (a new job seen in state `pulling`). */
export class SlotPullStartEvent extends SlotPullEvent {
  constructor(snapshot: PullSnapshot) {
    super('slot-pull-start', snapshot);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-pull-start': SlotPullStartEvent;
  }
}
