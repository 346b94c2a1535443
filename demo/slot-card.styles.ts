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
    color: var(--dash-muted);
    border: 1px solid var(--dash-border);
    border-radius: 0.25rem;
    padding: 0 0.375rem;
  }
  slot-image-status {
    margin-inline-start: auto;
  }
  slot-error-banner {
    --slotpull-banner-padding: 0.625rem 0.75rem;
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
    color: var(--dash-muted);
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
    color: var(--dash-danger);
    font-weight: 600;
  }
  .container-status.running {
    color: var(--dash-success);
  }
  .note {
    margin: 0;
    color: var(--dash-muted);
    font-size: 0.875rem;
  }
  /* The bar sits at the card's foot; its Pull (and a Retry) is the card's main action, Re-pull a quiet one. */
  slot-image-pull-bar {
    margin-block-start: auto;
  }
  slot-image-pull-bar::part(button) {
    font-size: 0.875rem;
    border-radius: 0.375rem;
    padding: 0.25rem 0.875rem;
  }
  slot-image-pull-bar[state='missing']::part(pull-button),
  slot-image-pull-bar[state='cancelled']::part(pull-button),
  slot-image-pull-bar::part(retry-button) {
    background: var(--dash-accent);
    border-color: var(--dash-accent);
    color: var(--dash-on-accent);
  }
  @media (forced-colors: active) {
    slot-image-pull-bar::part(button) {
      border-color: ButtonText;
    }
  }
`;
