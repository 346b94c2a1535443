import type { PullSnapshot } from '../../wire/types.ts';
import { SlotPullEvent } from './slot-pull-event.ts';

/** The pull ended `completed`: the image is present. */
export class SlotPullCompleteEvent extends SlotPullEvent {
  constructor(snapshot: PullSnapshot) {
    super('slot-pull-complete', snapshot);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-pull-complete': SlotPullCompleteEvent;
  }
}
