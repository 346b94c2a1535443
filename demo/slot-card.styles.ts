/** The card's styles; colors come from the dashboard's custom properties (light and dark). */
import { css } from 'lit';

export const cardStyles = css`
  :host {
    display: block;
  }
  .card {
    box-sizing: border-box;
    block-size: 100%;
    display: flex;
    flex-direction: column;
    gap: 0.625rem;
    padding: 1rem;
    border: 1px solid var(--dash-border);
    border-radius: 0.75rem;
    background: var(--dash-surface);
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.375rem 0.75rem;
  }
  h3 {
    margin: 0;
    font-size: 1.125rem;
  }
  .provider {
    font-size: 0.75rem;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--slotpull-color-muted);
    border: 1px solid var(--dash-border);
    border-radius: 0.25rem;
    padding: 0 0.375rem;
  }
  slot-image-status {
    margin-inline-start: auto;
  }
  /*
   * One place per fact: the card's bar shows a running pull (so the banner's
   * inline bar is hidden), the banner shows a failure with its Re-pull (so the
   * bar's is hidden), and a missing image is the chip, the idle bar and Pull.
   */
  slot-error-banner[state='pulling'],
  slot-error-banner[state='missing'],
  slot-image-pull-bar[state='failed'] {
    display: none;
  }
  /* A card is narrow: the banner's buttons go under its sentence. */
  slot-error-banner {
    --slotpull-banner-padding: 0.625rem 0.75rem;
  }
  slot-error-banner::part(base) {
    grid-template-columns: auto 1fr;
    grid-template-areas: 'icon message' 'actions actions' 'bar bar' 'error error';
  }
  .facts {
    margin: 0;
    display: grid;
    gap: 0.125rem;
    font-size: 0.875rem;
  }
  .facts div {
    display: flex;
    gap: 0.5rem;
    min-inline-size: 0;
  }
  dt {
    color: var(--slotpull-color-muted);
    min-inline-size: 5.5rem;
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .image {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    text-decoration: underline dotted;
    cursor: help;
  }
  .container-status.crashed {
    color: var(--slotpull-color-danger);
    font-weight: 600;
  }
  .container-status.running {
    color: var(--slotpull-color-success);
  }
  .note {
    margin: 0;
    color: var(--slotpull-color-muted);
    font-size: 0.875rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block-start: auto;
  }
  button.primary {
    background: var(--dash-accent);
    border-color: var(--dash-accent);
    color: var(--dash-on-accent);
  }
  button:focus-visible {
    outline: 2px solid var(--slotpull-color-indicator);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: default;
    opacity: 0.7;
  }
  .action-error {
    margin: 0;
    flex-basis: 100%;
    color: var(--slotpull-color-danger);
    font-size: 0.875rem;
  }
  @media (forced-colors: active) {
    button.primary {
      border-color: ButtonText;
    }
  }
`;
