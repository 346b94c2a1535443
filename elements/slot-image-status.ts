import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { defineElement } from './define.ts';
import { formatterFor } from './format.ts';
import type { ElementKind } from './hub/hub.ts';
import * as messages from './messages.ts';
import { SlotElement } from './slot-element.ts';
import { statusStyles } from './slot-image-status.styles.ts';

/** What the chip says; reflected as the `status` attribute. */
export const ImageStatus = {
  present: 'present',
  pulling: 'pulling',
  missing: 'missing',
  failed: 'failed',
  cancelled: 'cancelled',
  /** A pull vanished without an end: the server lost it. */
  interrupted: 'interrupted',
  unknown: 'unknown',
  /** The slot is served elsewhere and has no image: nothing is wrong. */
  external: 'external',
  /** The server cannot be reached (and nothing is known). */
  unreachable: 'unreachable',
  /** Waiting for the first data. */
  connecting: 'connecting',
} as const;
export type ImageStatus = (typeof ImageStatus)[keyof typeof ImageStatus];

/**
 * A slot image's status in a word (and a percent while pulling): text, never color alone.
 * It follows the image live: a pull, its end, the image removed.
 *
 * @summary A status chip for one slot's image: present, pulling n%, missing, failed, interrupted, unknown.
 *
 * @csspart base - The chip.
 * @csspart indicator - The colored dot.
 * @csspart label - The words.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand.
 * @cssproperty [--slotpull-color-success=#15803d] - Present.
 * @cssproperty [--slotpull-color-indicator=#2563eb] - Pulling.
 * @cssproperty [--slotpull-color-warning=#92400e] - Missing, interrupted, unreachable.
 * @cssproperty [--slotpull-color-danger=#b91c1c] - Failed.
 * @cssproperty [--slotpull-color-muted=#4b5563] - Unknown, cancelled, connecting, served elsewhere.
 * @cssproperty [--slotpull-chip-background=transparent] - Background.
 * @cssproperty [--slotpull-chip-radius=999px] - Corner radius.
 */
export class SlotImageStatus extends SlotElement {
  static override styles = statusStyles;

  static override properties: PropertyDeclarations = {
    status: { reflect: true },
  };

  /** What the chip says (read it; setting it has no effect). */
  declare status: ImageStatus;

  constructor() {
    super();
    this.status = ImageStatus.connecting;
  }

  protected override kind_(): ElementKind {
    return 'status';
  }

  protected override willUpdate(): void {
    this.status = this.#computeStatus();
  }

  #computeStatus(): ImageStatus {
    const problem = this.problem_();
    if (problem !== null) return problem.kind === 'unreachable' || problem.kind === 'external' ? problem.kind : ImageStatus.unknown;
    const s = this.snapshot;
    if (s === undefined) return ImageStatus.connecting;
    if (this.stream_.interrupted !== null) return ImageStatus.interrupted;
    // After a completed pull, what the image is now (present, or removed since); every other state is a status of the same name.
    return s.state === 'completed' ? s.image_status : s.state;
  }

  protected override render(): TemplateResult {
    const status = this.status;
    const s = this.snapshot;
    const label =
      status === ImageStatus.pulling && s?.percent != null ? messages.chipPercent(formatterFor(this).percent(s.percent)) : messages.chip[status];
    return html`<span part="base" class="base ${status}" title=${this.problem_()?.message ?? s?.error ?? ''}>
      <span part="indicator" class="indicator"></span><span class="sr-only">${messages.chipPrefix}</span><span part="label">${label}</span>
    </span>`;
  }
}

defineElement('slot-image-status', SlotImageStatus);

declare global {
  interface HTMLElementTagNameMap {
    'slot-image-status': SlotImageStatus;
  }
}
