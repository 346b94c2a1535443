/**
 * The dashboard's layout and palette. Its colors are custom properties on
 * the host, inherited by the cards, light or dark by `prefers-color-scheme`
 * (`color-scheme: light dark`); the slotpull elements inside take the same
 * color-scheme, the text color and the font, and bring their own palette.
 */
import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    display: block;
    color-scheme: light dark;
    --dash-background: light-dark(#f3f4f6, #0b1120);
    --dash-surface: light-dark(#ffffff, #172033);
    --dash-border: light-dark(#d1d5db, #334155);
    --dash-accent: light-dark(#1d4ed8, #93c5fd);
    --dash-on-accent: light-dark(#ffffff, #0b1120);
    --dash-notice-surface: light-dark(#fffbeb, #2a1f0a);
    --dash-notice-border: light-dark(#b45309, #f59e0b);
    --dash-text: light-dark(#1f2937, #e5e7eb);
    --dash-muted: light-dark(#4b5563, #a5b0c0);
    --dash-link: light-dark(#2563eb, #60a5fa);
    --dash-success: light-dark(#15803d, #4ade80);
    --dash-danger: light-dark(#b91c1c, #f87171);
    --dash-danger-surface: light-dark(#fef2f2, #3b0d0d);
    --dash-danger-text: light-dark(#7f1d1d, #fecaca);
    color: var(--dash-text);
    background: var(--dash-background);
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    line-height: 1.45;
    min-block-size: 100vh;
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
    color: var(--dash-muted);
  }
  .server strong {
    color: var(--dash-text);
    font-weight: 600;
  }
  nav {
    margin-inline-start: auto;
    font-size: 0.875rem;
    display: flex;
    gap: 1rem;
  }
  a {
    color: var(--dash-link);
  }
  a:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--dash-link);
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
    border: 1px solid var(--dash-danger);
    background: var(--dash-danger-surface);
    color: var(--dash-danger-text);
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
