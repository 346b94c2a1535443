/**
 * <slotpull-slot-card>: one slot of the dashboard. The slotpull elements
 * show the image, its pull and its problems, composed as docs/elements.md
 * shows them (the chip, `<slot-image-pull-bar show-idle sticky cancelable>`
 * with Pull, Re-pull and Cancel, and `<slot-error-banner>`); the card adds
 * the slot's facts (provider, image, model, container — live from the
 * page's one connection).
 */
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { SlotStreamController } from '../elements/controllers/slot-stream.ts';
import { defineElement } from '../elements/define.ts';
import type { ContainerSlotInfo, ExternalSlotInfo, SlotInfo } from '../wire/types.ts';
import { shortImageName } from './image-name.ts';
import { cardStyles } from './slot-card.styles.ts';

export class SlotpullSlotCard extends LitElement {
  static override styles = cardStyles;
  static override properties: PropertyDeclarations = {
    info: { attribute: false },
    baseUrl: { attribute: 'base-url' },
  };

  /** The slot as `GET /api/slots` gave it. */
  declare info: SlotInfo;
  /** The server's base URL in normal form (the dashboard's). */
  declare baseUrl: string;

  constructor() {
    super();
    this.baseUrl = '';
  }

  /** The slot's live snapshot: its container's state comes with every frame. */
  readonly #stream = new SlotStreamController(this, () => ({
    base: this.baseUrl,
    slot: this.info?.provider === 'container' ? this.info.name : '',
  }));

  protected override render(): TemplateResult {
    const slot = this.info;
    const id = `slot-${slot.name}`;
    return html`<article class="card ${slot.provider}" aria-labelledby=${id}>
      <header class="head">
        <h3 id=${id}>${slot.name}</h3>
        <span class="provider">${slot.provider}</span>
        ${slot.provider === 'container'
          ? html`<slot-image-status slot-name=${slot.name} base-url=${this.baseUrl} show-last-pull></slot-image-status>`
          : nothing}
      </header>
      ${slot.provider === 'container' ? this.#container(slot) : this.#external(slot)}
    </article>`;
  }

  #facts(rows: readonly (readonly [string, TemplateResult | string | null | undefined])[]): TemplateResult {
    return html`<dl class="facts">
      ${rows
        .filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}
    </dl>`;
  }

  #external(slot: ExternalSlotInfo): TemplateResult {
    return html`${this.#facts([
        ['Model', slot.model],
        ['Served at', slot.url],
      ])}
      <p class="note">Served elsewhere: this slot has no image to pull.</p>`;
  }

  #container(slot: ContainerSlotInfo): TemplateResult {
    // Live once the stream has spoken; what GET /api/slots said until then.
    const live = this.#stream.snapshot;
    const status = live?.container_status ?? slot.container_status;
    const error = live === undefined ? slot.container_error : live.container_error;
    const container = html`${slot.container}:
      <span class="container-status ${status}">${status}</span>${error ? html` (${error})` : nothing}`;
    return html`${this.#facts([
        ['Image', html`<span class="image" title=${slot.image}>${shortImageName(slot.image)}</span>`],
        ['Model', slot.model],
        ['Container', container],
      ])}
      <slot-error-banner slot-name=${slot.name} base-url=${this.baseUrl}></slot-error-banner>
      <slot-image-pull-bar slot-name=${slot.name} base-url=${this.baseUrl} show-idle sticky cancelable></slot-image-pull-bar>`;
  }
}

defineElement('slotpull-slot-card', SlotpullSlotCard);

declare global {
  interface HTMLElementTagNameMap {
    'slotpull-slot-card': SlotpullSlotCard;
  }
}
