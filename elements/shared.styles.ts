/** Styles every element shares: the host font and colors, buttons and their row, request errors, and text only a screen reader reads. */
import { unsafeCSS, type CSSResult } from 'lit';

/**
 * css`` for these style sheets, which interpolate nothing: Lit's CSSResult of
 * the text as written (Lit adopts it as a constructed sheet, or falls back to
 * a <style>, as for its own css``). Lit's css`` checks interpolated values;
 * leaving that check and its messages out saves the bundle some 130 bytes
 * gzipped. unsafeCSS is unsafe for text from elsewhere: this text is ours,
 * and TypeScript refuses a `${}` in it.
 */
export const css = (strings: TemplateStringsArray): CSSResult => unsafeCSS(strings[0]);

export const sharedStyles = css`
  :host {
    display: block;
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
  .actions {
    grid-area: actions;
    display: flex;
    gap: 0.375rem;
  }
  .request-error {
    margin: 0;
    font-size: 0.875em;
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
