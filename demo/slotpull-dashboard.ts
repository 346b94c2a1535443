/**
 * <slotpull-dashboard>: the demo dashboard served at `/`. It reads the
 * server's health and slots once (a Task: loading, error, cards); everything
 * live — pulls, images, containers — comes from the page's one SSE
 * connection, which the elements in the cards and the activity strip share
 * (elements/hub/).
 */
import { Task, TaskStatus } from '@lit/task';
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { resolveBase } from '../elements/base-url.ts';
import { defineElement } from '../elements/define.ts';
import type { Health } from '../wire/types.ts';
import { ActivityController } from './activity.ts';
import './activity-strip.ts';
import { getOverview, type Overview } from './api.ts';
import './slot-card.ts';
import { buttonStyles } from './button.styles.ts';
import { dashboardStyles } from './slotpull-dashboard.styles.ts';

export const DEMO_RUNTIME = 'demo';

export class SlotpullDashboard extends LitElement {
  static override styles = [buttonStyles, dashboardStyles];
  static override properties: PropertyDeclarations = {
    baseUrl: { attribute: 'base-url' },
    generation: { state: true },
  };

  /** The server; default: the directory of the page (`/` of the server, or the path a proxy serves it under). */
  declare baseUrl: string;
  private declare generation: number;

  readonly #activity = new ActivityController(this);

  readonly #overview = new Task(this, {
    args: () => [this.base, this.generation] as const,
    task: async ([base], { signal }): Promise<Overview> => {
      if (base === null) throw new Error(`base-url "${this.baseUrl}" is not an http(s) URL`);
      return getOverview(base, signal);
    },
  });

  constructor() {
    super();
    this.baseUrl = '';
    this.generation = 0;
  }

  /** The server's base URL in normal form, or null when `base-url` is unusable. */
  get base(): string | null {
    return resolveBase(this.baseUrl === '' ? new URL('.', document.baseURI).href : this.baseUrl);
  }

  protected override updated(): void {
    const overview = this.#overview.value;
    const base = this.base;
    if (overview === undefined || base === null) return;
    this.#activity.follow(
      base,
      overview.slots.filter((slot) => slot.provider === 'container').map((slot) => slot.name),
    );
  }

  protected override render(): TemplateResult {
    const overview = this.#overview.value;
    return html`<div class="page">
      ${this.#header(overview?.health)}
      <main>
        ${this.#overview.status === TaskStatus.ERROR ? this.#error() : nothing}
        ${overview === undefined
          ? this.#overview.status === TaskStatus.ERROR
            ? nothing
            : html`<p class="status" role="status">Loading slots…</p>`
          : this.#body(overview)}
      </main>
    </div>`;
  }

  #header(health: Health | undefined): TemplateResult {
    const host = this.base === null ? '' : new URL(this.base).host;
    return html`<header class="top">
      <div class="title">
        <h1>slotpull</h1>
        <p class="server">
          <span>Server <strong>${host}</strong></span>
          ${health === undefined
            ? nothing
            : html`<span>Runtime <strong>${health.runtime}</strong></span><span>Version <strong>${health.version}</strong></span>`}
        </p>
        <nav aria-label="API">
          <a href="api/openapi.json">API (OpenAPI 3.1)</a>
          <a href="api/health">Health</a>
        </nav>
      </div>
      ${health?.runtime === DEMO_RUNTIME
        ? html`<p class="notice" role="note">
            <strong>Demo runtime — no container engine found.</strong> Pulls here are simulated; start slotpull with
            <code>--config</code> and a slots file on a machine with docker or podman to pull real images.
          </p>`
        : nothing}
    </header>`;
  }

  #error(): TemplateResult {
    const error = this.#overview.error;
    const why = error instanceof Error ? error.message : String(error);
    return html`<div class="status error" role="alert">
      <span>Could not read the slots: ${why}</span>
      <button type="button" @click=${() => (this.generation += 1)}>Try again</button>
    </div>`;
  }

  #body(overview: Overview): TemplateResult {
    const base = this.base ?? '';
    return html`<slotpull-activity .jobs=${this.#activity.jobs}></slotpull-activity>
      <section aria-labelledby="slots-title">
        <h2 id="slots-title">Slots (${overview.slots.length})</h2>
        ${overview.slots.length === 0
          ? html`<p class="status" role="status">
              The slots file names no slot: add slots to it (README, “Configuration”) and restart slotpull.
            </p>`
          : html`<ul class="cards">
              ${overview.slots.map((slot) => html`<li><slotpull-slot-card .info=${slot} base-url=${base}></slotpull-slot-card></li>`)}
            </ul>`}
      </section>`;
  }
}

defineElement('slotpull-dashboard', SlotpullDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'slotpull-dashboard': SlotpullDashboard;
  }
}
