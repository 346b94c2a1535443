import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { defineElement } from './define.ts';
import { messages } from './messages.ts';
import { SlotElement } from './slot-element.ts';
import { statusStyles } from './slot-image-status.styles.ts';

/** What the chip says; reflected as the `status` attribute. */
export const ImageStatus = {
  present: 'present',
  pulling: 'pulling',
  missing: 'missing',
  failed: 'failed',
  cancelled: 'cancelled',
  unknown: 'unknown',
  /** The server cannot be reached (and nothing is known). */
  unreachable: 'unreachable',
  /** Waiting for the first data. */
  connecting: 'connecting',
} as const;
export type ImageStatus = (typeof ImageStatus)[keyof typeof ImageStatus];

/**
 * A slot image's status in a word (and a percent while pulling): text, never color alone.
 *
 * @summary A status chip for one slot's image: present, pulling n%, missing, failed, unknown.
 *
 * @csspart base - The chip.
 * @csspart indicator - The colored dot.
 * @csspart label - The words.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand.
 * @cssproperty [--slotpull-color-success=#15803d] - Present.
 * @cssproperty [--slotpull-color-indicator=#2563eb] - Pulling.
 * @cssproperty [--slotpull-color-warning=#92400e] - Missing, unreachable.
 * @cssproperty [--slotpull-color-danger=#b91c1c] - Failed.
 * @cssproperty [--slotpull-color-muted=#4b5563] - Unknown, cancelled, connecting.
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

  protected override willUpdate(): void {
    this.status = this.#computeStatus();
  }

  #computeStatus(): ImageStatus {
    const problem = this.problem();
    if (problem !== null) return problem.kind === 'unreachable' ? ImageStatus.unreachable : ImageStatus.unknown;
    const s = this.snapshot;
    switch (s?.state) {
      case undefined:
        return ImageStatus.connecting;
      case 'pulling':
        return ImageStatus.pulling;
      case 'completed':
      case 'present':
        return ImageStatus.present;
      case 'failed':
        return ImageStatus.failed;
      case 'cancelled':
        return ImageStatus.cancelled;
      case 'missing':
        return ImageStatus.missing;
      case 'unknown':
        return ImageStatus.unknown;
    }
  }

  protected override render(): TemplateResult {
    const status = this.status;
    const s = this.snapshot;
    let label: string;
    switch (status) {
      case ImageStatus.pulling:
        label = s?.percent == null ? messages.chip.pulling : messages.chip.pullingPercent(this.formatter().percent(s.percent));
        break;
      default:
        label = messages.chip[status];
    }
    const problem = this.problem();
    return html`<span part="base" class="base ${status}" title=${problem?.message ?? s?.error ?? ''}>
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
