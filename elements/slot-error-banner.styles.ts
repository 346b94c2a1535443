import { css, sharedStyles } from './shared.styles.ts';

/**
 * Icon | message | buttons on one line in a wide container; in a narrow one
 * (a card, a phone) the buttons go under the message, which keeps the width.
 * The host is the container: a query sees its container's width, and the
 * grid to change is the base's own.
 */
export const bannerStyles = [
  sharedStyles,
  css`
    :host {
      container-type: inline-size;
    }
    :host([state='hidden']) {
      display: none;
    }
    .base {
      display: grid;
      grid-template-columns: auto 1fr auto;
      grid-template-areas: 'icon message actions';
      align-items: center;
      gap: 0.5rem 0.75rem;
      padding: var(--slotpull-banner-padding, 0.75rem 1rem);
      border: 1px solid var(--_danger);
      border-inline-start-width: 4px;
      border-radius: var(--slotpull-banner-radius, 0.375rem);
      background: var(--slotpull-color-danger-surface, light-dark(#fef2f2, #3b0d0d));
      color: var(--slotpull-color-danger-text, light-dark(#7f1d1d, #fecaca));
    }
    .pulling,
    .unreachable {
      border-color: var(--_indicator);
      background: var(--slotpull-color-info-surface, light-dark(#eff6ff, #102a4c));
      color: var(--slotpull-color-text, light-dark(#1f2937, #e5e7eb));
    }
    @container (inline-size < 32rem) {
      .base {
        grid-template-columns: auto 1fr;
        grid-template-areas: 'icon message' '. actions';
      }
    }
    .icon {
      grid-area: icon;
      display: inline-grid;
      place-items: center;
      inline-size: 1.5em;
      block-size: 1.5em;
      border: 2px solid currentColor;
      border-radius: 50%;
      font-weight: 700;
      line-height: 1;
    }
    .message {
      grid-area: message;
      min-inline-size: 0;
      overflow-wrap: anywhere;
    }
    .message-text {
      margin: 0;
    }
    /* Rows of their own, only when they are there: no empty row adds a gap. */
    slot-image-pull-bar,
    .request-error {
      grid-column: 1 / -1;
    }
    @media (forced-colors: active) {
      .base {
        border-color: CanvasText;
      }
    }
  `,
];
