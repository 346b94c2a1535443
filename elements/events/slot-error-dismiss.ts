import type { SlotErrorDetail } from './slot-error-detail.ts';

/** The banner was dismissed; it stays hidden until a different error appears. */
export class SlotErrorDismissEvent extends CustomEvent<SlotErrorDetail> {
  constructor(detail: SlotErrorDetail) {
    super('slot-error-dismiss', { bubbles: true, composed: true, cancelable: false, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-error-dismiss': SlotErrorDismissEvent;
  }
}
