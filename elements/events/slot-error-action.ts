import type { SlotErrorDetail } from './slot-error-detail.ts';

/**
 * The banner's Re-pull was pressed, before the POST is sent. Cancelable:
 * `preventDefault()` stops the built-in request (to handle it yourself).
 */
export class SlotErrorActionEvent extends CustomEvent<SlotErrorDetail & { readonly action: 're-pull' }> {
  constructor(detail: SlotErrorDetail) {
    super('slot-error-action', { bubbles: true, composed: true, cancelable: true, detail: { ...detail, action: 're-pull' } });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slot-error-action': SlotErrorActionEvent;
  }
}
