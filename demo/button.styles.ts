/** The dashboard's plain buttons, shared by the page and its cards (each has its own shadow root). */
import { css } from 'lit';

export const buttonStyles = css`
  button {
    font: inherit;
    font-size: 0.875rem;
    color: inherit;
    background: transparent;
    border: 1px solid currentColor;
    border-radius: 0.375rem;
    padding: 0.25rem 0.875rem;
    cursor: pointer;
  }
`;
