/**
 * Styles every element shares: the host font, colors and palette, buttons and
 * their row, request errors, image references (image-ref.ts: isolated, lines
 * broken only between their pieces), and text only a screen reader reads.
 *
 * The text is the page's (font and color inherited); every other color has a
 * light and a dark value, chosen by the `color-scheme` the host inherits from
 * the page (`light-dark()`): a page that declares `color-scheme: dark`, or
 * `light dark` in a dark system, gets the dark ones. A `--slotpull-*`
 * property set by the page wins over both.
 */
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
    color: var(--slotpull-color-text, inherit);
    /* The palette, once: the page's --slotpull-* property, else the light or dark value. */
    --_muted: var(--slotpull-color-muted, light-dark(#4b5563, #a5b0c0));
    --_indicator: var(--slotpull-color-indicator, light-dark(#2563eb, #60a5fa));
    --_success: var(--slotpull-color-success, light-dark(#15803d, #4ade80));
    --_danger: var(--slotpull-color-danger, light-dark(#b91c1c, #f87171));
    --_warning: var(--slotpull-color-warning, light-dark(#92400e, #fbbf24));
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
    outline: 2px solid var(--_indicator);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: default;
    opacity: 0.7;
  }
  .actions {
    grid-area: actions;
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
  }
  .request-error {
    margin: 0;
    font-size: 0.875em;
  }
  .ref {
    unicode-bidi: isolate;
  }
  .ref span {
    white-space: nowrap;
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
