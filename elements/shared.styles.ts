/** Styles every element shares: the host font and colors, buttons, and text only a screen reader reads. */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    font: var(--slotpull-font, inherit);
    color: var(--slotpull-color-text, #1f2937);
  }
  :host([hidden]) {
    display: none !important;
  }
  .sr-only {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    font-size: 0.875em;
    color: inherit;
    background: var(--slotpull-color-button, transparent);
    border: 1px solid currentColor;
    border-radius: var(--slotpull-button-radius, 0.25rem);
    padding: 0.125em 0.625em;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--slotpull-color-indicator, #2563eb);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: default;
    opacity: 0.7;
  }
  @media (forced-colors: active) {
    button {
      border-color: ButtonText;
    }
    button:disabled {
      border-color: GrayText;
      color: GrayText;
    }
  }
`;
