import { css, sharedStyles } from './shared.styles.ts';

export const bannerStyles = [
  sharedStyles,
  css`
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
      border: 1px solid var(--slotpull-color-danger, #b91c1c);
      border-inline-start-width: 4px;
      border-radius: var(--slotpull-banner-radius, 0.375rem);
      background: var(--slotpull-color-danger-surface, #fef2f2);
      color: var(--slotpull-color-danger-text, #7f1d1d);
    }
    .pulling,
    .unreachable {
      border-color: var(--slotpull-color-indicator, #2563eb);
      background: var(--slotpull-color-info-surface, #eff6ff);
      color: var(--slotpull-color-text, #1f2937);
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
