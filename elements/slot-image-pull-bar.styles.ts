import { css, sharedStyles } from './shared.styles.ts';

/**
 * The label and the buttons share the first line while there is room (the
 * label keeps at least 12em; a long Cancel goes under it); in a container
 * narrower than 20rem (a phone's column) the buttons always go under the
 * label, at its end. The track and the words under it take a line each;
 * the words wrap between their items ("612 MB of ≥1.4 GB" stays whole).
 * The host is the container.
 *
 * The indicator is as wide as the track and moved in from the left until
 * `--_value` of it shows, its rounded end where a bar of that width would
 * end; a right-to-left page mirrors the track. A translate is drawn by the
 * compositor, where a width would be laid out and painted again at every
 * frame of a slide, in every bar.
 */
export const pullBarStyles = [
  sharedStyles,
  css`
    :host([state='idle']:not([show-idle])),
    :host([state='connecting']:not([show-idle])),
    :host([deferred]) {
      display: none;
    }
    :host {
      container-type: inline-size;
    }
    .base {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 0.5rem;
    }
    .label {
      flex: 1 1 12em;
      min-inline-size: 0;
      overflow-wrap: anywhere;
    }
    @container (inline-size < 20rem) {
      .label {
        flex-basis: 100%;
      }
    }
    .actions {
      margin-inline-start: auto;
    }
    .track,
    .meta,
    .request-error {
      flex: 1 0 100%;
    }
    .track {
      position: relative;
      overflow: hidden;
      block-size: var(--slotpull-height, 0.5rem);
      border-radius: var(--slotpull-radius, 999px);
      background: var(--slotpull-color-track, light-dark(#e5e7eb, #334155));
    }
    :host(:dir(rtl)) .track {
      scale: -1 1;
    }
    .indicator,
    .unpack {
      block-size: 100%;
      border-radius: inherit;
      background: var(--_indicator);
      translate: calc(var(--_value, 0%) - 100%);
    }
    .unpack {
      position: absolute;
      inset: 0;
    }
    .unpacking .indicator {
      opacity: 0.35;
    }
    @media (prefers-reduced-motion: no-preference) {
      .slide {
        transition: translate 200ms linear;
      }
    }
    .indeterminate .indicator,
    .unpack:not([style]) {
      inline-size: 30%;
      translate: none;
      animation: sweep 1.4s ease-in-out infinite;
    }
    .completed .indicator {
      background: var(--_success);
    }
    .failed .indicator {
      background: var(--_danger);
    }
    .cancelled .indicator,
    .reconnecting .indicator,
    .stalled .indicator {
      background: var(--_muted);
    }
    .failed .label {
      color: var(--_danger);
    }
    .reconnecting .label,
    .interrupted .label,
    .problem .label {
      color: var(--_warning);
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0 0.75em;
      font-size: 0.875em;
      color: var(--_muted);
    }
    .meta:empty {
      display: none;
    }
    .meta > span {
      white-space: nowrap;
    }
    .request-error {
      color: var(--_danger);
    }
    @keyframes sweep {
      from {
        transform: translateX(-100%);
      }
      to {
        transform: translateX(340%);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .indeterminate .indicator,
      .unpack:not([style]) {
        animation: none;
        inline-size: 100%;
        opacity: 0.35;
      }
    }
    @media (forced-colors: active) {
      .track {
        border: 1px solid CanvasText;
        background: Canvas;
      }
      .base .indicator,
      .unpack {
        forced-color-adjust: none;
        background: Highlight;
      }
    }
  `,
];
