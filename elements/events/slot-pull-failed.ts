import type { PullSnapshot } from '../../wire/types.ts';
import { SlotPullEvent } from './slot-pull-event.ts';

/** The pull ended `failed`; `detail.error` and `detail.error_code` say why. Never fired for a network blip. */
export class SlotPullFailedEvent extends SlotPullEvent {
  constructor(snapshot: PullSnapshot) {
    super('slot-pull-failed', snapshot);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-pull-failed': SlotPullFailedEvent;
  }
}
