/**
 * The dashboard's layout and palette. Colors are custom properties on the
 * host, inherited by the cards and by the slotpull elements inside them
 * (their `--slotpull-*` properties), light or dark by `prefers-color-scheme`.
 */
import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    display: block;
    --dash-background: #f3f4f6;
    --dash-surface: #ffffff;
    --dash-border: #d1d5db;
    --dash-accent: #1d4ed8;
    --dash-on-accent: #ffffff;
    --dash-notice-surface: #fffbeb;
    --dash-notice-border: #b45309;
    --slotpull-color-text: #1f2937;
    --slotpull-color-muted: #4b5563;
    --slotpull-color-track: #e5e7eb;
    --slotpull-color-indicator: #2563eb;
    --slotpull-color-success: #15803d;
    --slotpull-color-danger: #b91c1c;
    --slotpull-color-warning: #92400e;
    --slotpull-color-danger-surface: #fef2f2;
    --slotpull-color-danger-text: #7f1d1d;
    --slotpull-color-info-surface: #eff6ff;
    color: var(--slotpull-color-text);
    background: var(--dash-background);
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    line-height: 1.45;
    min-block-size: 100vh;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --dash-background: #0b1120;
      --dash-surface: #172033;
      --dash-border: #334155;
      --dash-accent: #93c5fd;
      --dash-on-accent: #0b1120;
      --dash-notice-surface: #2a1f0a;
      --dash-notice-border: #f59e0b;
      --slotpull-color-text: #e5e7eb;
      --slotpull-color-muted: #a5b0c0;
      --slotpull-color-track: #334155;
      --slotpull-color-indicator: #60a5fa;
      --slotpull-color-success: #4ade80;
      --slotpull-color-danger: #f87171;
      --slotpull-color-warning: #fbbf24;
      --slotpull-color-danger-surface: #3b0d0d;
      --slotpull-color-danger-text: #fecaca;
      --slotpull-color-info-surface: #102a4c;
      --slotpull-chip-background: #0b1120;
    }
  }
  .page {
    box-sizing: border-box;
    max-inline-size: 90rem;
    margin: 0 auto;
    padding: 1rem;
    display: flex;
    flex-direction: column;
    gap: 1rem;
  }
  .top {
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
  }
  main {
    display: flex;
    flex-direction: column;
    gap: 1rem;
  }
  .title {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 1rem;
  }
  h1 {
    margin: 0;
    font-size: 1.5rem;
  }
  h2 {
    font-size: 1rem;
    margin: 0 0 0.5rem;
  }
  .server {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    margin: 0;
    font-size: 0.875rem;
    color: var(--slotpull-color-muted);
  }
  .server strong {
    color: var(--slotpull-color-text);
    font-weight: 600;
  }
  nav {
    margin-inline-start: auto;
    font-size: 0.875rem;
    display: flex;
    gap: 1rem;
  }
  a {
    color: var(--slotpull-color-indicator);
  }
  a:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--slotpull-color-indicator);
    outline-offset: 2px;
  }
  .notice {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--dash-notice-border);
    border-inline-start-width: 4px;
    border-radius: 0.375rem;
    background: var(--dash-notice-surface);
    font-size: 0.875rem;
  }
  .cards {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 1rem;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr));
  }
  .status {
    margin: 0;
    padding: 1rem;
    border: 1px dashed var(--dash-border);
    border-radius: 0.75rem;
  }
  .error {
    border: 1px solid var(--slotpull-color-danger);
    background: var(--slotpull-color-danger-surface);
    color: var(--slotpull-color-danger-text);
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
