import type { PullSnapshot } from '../../wire/types.ts';
import { SlotPullEvent } from './slot-pull-event.ts';

/**
 * The pull vanished without an end: a later snapshot of the slot has no job,
 * or another one, while this one was `pulling` (the server restarted and lost
 * it, or the job is gone). `detail` is the pull's last snapshot.
 */
export class SlotPullInterruptedEvent extends SlotPullEvent {
  constructor(snapshot: PullSnapshot) {
    super('slot-pull-interrupted', snapshot);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-pull-interrupted': SlotPullInterruptedEvent;
  }
}
