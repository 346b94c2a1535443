/**
 * <slotpull-slot-card>: one slot of the dashboard. The three slotpull
 * elements show the image and its pull; the card adds the slot's facts
 * (provider, image, model, container) and Pull / Re-pull / Cancel, which
 * follow the slot's live snapshot from the page's one connection.
 */
import { Task, TaskStatus } from '@lit/task';
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ApiProblem, cancelPull, ServerUnreachable, startPull } from '../elements/api.ts';
import { SlotStreamController } from '../elements/controllers/slot-stream.ts';
import { defineElement } from '../elements/define.ts';
import { slotHub } from '../elements/hub/hub.ts';
import type { ContainerSlotInfo, ExternalSlotInfo, PullSnapshot, SlotInfo } from '../wire/types.ts';
import { shortImageName } from './image-name.ts';
import { buttonStyles } from './button.styles.ts';
import { cardStyles } from './slot-card.styles.ts';

type Action = 'pull' | 'cancel';

/**
 * Which buttons a slot offers, from its latest snapshot. A failed pull's
 * Re-pull is the error banner's, until the banner is dismissed.
 */
function actionsFor(snapshot: PullSnapshot | undefined, bannerDismissed: boolean): { pull: 'Pull' | 'Re-pull' | null; cancel: boolean } {
  if (snapshot === undefined) return { pull: null, cancel: false };
  switch (snapshot.state) {
    case 'pulling':
      return { pull: null, cancel: true };
    case 'failed':
      return { pull: bannerDismissed ? 'Re-pull' : null, cancel: false };
    case 'present':
    case 'completed':
      return { pull: 'Re-pull', cancel: false };
    case 'missing':
    case 'unknown':
    case 'cancelled':
      return { pull: 'Pull', cancel: false };
  }
}

export class SlotpullSlotCard extends LitElement {
  static override styles = [buttonStyles, cardStyles];
  static override properties: PropertyDeclarations = {
    info: { attribute: false },
    baseUrl: { attribute: 'base-url' },
    dismissedJob: { state: true },
  };

  /** The slot as `GET /api/slots` gave it. */
  declare info: SlotInfo;
  /** The server's base URL in normal form (the dashboard's). */
  declare baseUrl: string;
  /** The failed job whose banner was dismissed: the card offers Re-pull itself then. */
  private declare dismissedJob: string | null;

  constructor() {
    super();
    this.baseUrl = '';
    this.dismissedJob = null;
  }

  readonly #stream = new SlotStreamController(this, () => ({
    base: this.baseUrl,
    slot: this.info?.provider === 'container' ? this.info.name : '',
  }));

  readonly #action = new Task(this, {
    autoRun: false,
    task: async ([action]: readonly [Action], { signal }) => {
      const answer = action === 'pull' ? await startPull(this.baseUrl, this.info.name, signal) : await cancelPull(this.baseUrl, this.info.name, signal);
      slotHub().offer(this.baseUrl, answer);
      return answer;
    },
  });

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
    const { image } = slot;
    const container = html`${slot.container}:
      <span class="container-status ${slot.container_status}">${slot.container_status}</span>${slot.container_error
        ? html` (${slot.container_error})`
        : nothing}`;
    return html`${this.#facts([
        ['Image', html`<span class="image" title=${image}>${shortImageName(image)}</span>`],
        ['Model', slot.model],
        ['Container', container],
      ])}
      <slot-image-pull-bar slot-name=${slot.name} base-url=${this.baseUrl} show-idle sticky></slot-image-pull-bar>
      <slot-error-banner
        slot-name=${slot.name}
        base-url=${this.baseUrl}
        @slot-error-dismiss=${() => (this.dismissedJob = this.#stream.snapshot?.job_id ?? null)}
      ></slot-error-banner>
      ${this.#buttons(slot.name)}`;
  }

  #buttons(name: string): TemplateResult {
    const snapshot = this.#stream.snapshot;
    const { pull, cancel } = actionsFor(snapshot, snapshot?.job_id != null && snapshot.job_id === this.dismissedJob);
    const pending = this.#action.status === TaskStatus.PENDING;
    return html`<div class="actions">
      ${pull === null
        ? nothing
        : html`<button type="button" class="primary" aria-label="${pull} ${name}" ?disabled=${pending} @click=${() => this.#run('pull')}>
            ${pull}
          </button>`}
      ${cancel
        ? html`<button type="button" aria-label="Cancel the pull of ${name}" ?disabled=${pending} @click=${() => this.#run('cancel')}>
            Cancel
          </button>`
        : nothing}
      ${this.#actionError()}
    </div>`;
  }

  #actionError(): TemplateResult | typeof nothing {
    if (this.#action.status !== TaskStatus.ERROR) return nothing;
    const error = this.#action.error;
    const why = error instanceof ApiProblem || error instanceof ServerUnreachable ? error.message : String(error);
    return html`<p class="action-error" role="alert">${why}</p>`;
  }

  #run(action: Action): void {
    void this.#action.run([action]);
  }
}

defineElement('slotpull-slot-card', SlotpullSlotCard);

declare global {
  interface HTMLElementTagNameMap {
    'slotpull-slot-card': SlotpullSlotCard;
  }
}
