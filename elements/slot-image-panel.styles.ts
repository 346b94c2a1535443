import { css } from './shared.styles.ts';

export const panelStyles = css`
  :host {
    display: block;
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: grid;
    gap: var(--slotpull-panel-gap, 0.5rem);
    justify-items: stretch;
  }
  slot-image-status {
    justify-self: start;
  }
`;
