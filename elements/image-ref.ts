/** How the elements show an image reference ("ghcr.io/acme/llama-server:0.9") inside a sentence. */
import { html, type TemplateResult } from 'lit';

/**
 * The reference isolated from the sentence's direction (a right-to-left
 * sentence keeps "…server:0.9" in its order), and broken across lines only
 * after a `/`, `:` or `@`: its pieces never wrap inside (not at the `-` of
 * "llama-server" either), with a <wbr> between them. Chromium puts a space
 * in a name or a live region's words for each <wbr> ("ghcr.io/ acme/"):
 * aria-hidden keeps them out. Styled by `.ref` in shared.styles.ts.
 */
export const imageRef = (ref: string): TemplateResult =>
  html`<bdi class="ref">${ref.split(/(?<=[/:@])/).map((piece, i) => (i === 0 ? html`<span>${piece}</span>` : html`<wbr aria-hidden="true"><span>${piece}</span>`))}</bdi>`;

/**
 * A sentence with every occurrence of `ref` in it shown by imageRef. The
 * sentence stays one string (messages.ts), whatever its language puts
 * around the reference.
 */
export const withImageRef = (sentence: string, ref: string | null | undefined): Array<string | TemplateResult> =>
  ref ? sentence.split(ref).flatMap((text, i) => (i === 0 ? [text] : [imageRef(ref), text])) : [sentence];
