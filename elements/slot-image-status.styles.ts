import { css, sharedStyles } from './shared.styles.ts';

export const statusStyles = [
  sharedStyles,
  css`
    :host {
      display: inline-block;
      vertical-align: middle;
    }
    .base {
      display: inline-flex;
      align-items: center;
      gap: 0.375em;
      padding: 0.125em 0.5em;
      border: 1px solid var(--_color);
      border-radius: var(--slotpull-chip-radius, 999px);
      background: var(--slotpull-chip-background, transparent);
      font-size: 0.875em;
      line-height: 1.4;
      white-space: nowrap;
      --_color: var(--_muted);
    }
    .indicator {
      inline-size: 0.625em;
      block-size: 0.625em;
      border-radius: 50%;
      background: var(--_color);
    }
    .present {
      --_color: var(--_success);
    }
    .pulling {
      --_color: var(--_indicator);
    }
    .missing,
    .interrupted,
    .unreachable {
      --_color: var(--_warning);
    }
    .failed {
      --_color: var(--_danger);
    }
    .last-pull {
      margin-inline-start: 0.5em;
      color: var(--_muted);
      font-size: 0.875em;
    }
    @media (forced-colors: active) {
      .base {
        border-color: CanvasText;
      }
      .indicator {
        forced-color-adjust: none;
        background: CanvasText;
      }
    }
  `,
];
