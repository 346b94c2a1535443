import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ApiProblem, cancelPull, ServerUnreachable, startPull } from './api.ts';
import { PullEventsController } from './controllers/pull-events.ts';
import { defineElement } from './define.ts';
import { slotHub } from './hub/hub.ts';
import { Transport } from './hub/transport.ts';
import { bytesPhrase, messages } from './messages.ts';
import { milestone } from './milestones.ts';
import { idleLabel, metaItems, PullBarState, pullBarState, valueText } from './pull-bar-view.ts';
import { SlotElement } from './slot-element.ts';
import { pullBarStyles } from './slot-image-pull-bar.styles.ts';
import type { PullSnapshot } from './wire.ts';

export { PullBarState } from './pull-bar-view.ts';

/** Seconds "Image ready" stays before the bar hides (unless `sticky`). */
export const DEFAULT_HIDE_AFTER_S = 4;

/**
 * The progress of a slot's image pull, live from the server.
 *
 * @summary A progress bar for one slot's image pull: percent, bytes, speed, ETA and layers, with Retry and Cancel.
 *
 * @csspart base - The wrapper of everything below.
 * @csspart label - "Pulling image <name:tag>…", "Image ready", "Pull failed: <error>", "Reconnecting…".
 * @csspart track - The bar's track; carries role=progressbar.
 * @csspart indicator - The filled part of the track (a sweep while indeterminate).
 * @csspart meta - Bytes, speed, ETA and "layer 3/9".
 * @csspart actions - Where Retry and Cancel are.
 * @csspart button - Both buttons.
 * @csspart retry-button - Retry, after a failure.
 * @csspart cancel-button - Cancel, with `cancelable`.
 * @csspart request-error - Why a Retry or Cancel request failed.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand of the element.
 * @cssproperty [--slotpull-color-text=#1f2937] - Text.
 * @cssproperty [--slotpull-color-muted=#4b5563] - Secondary text, and the bar while cancelled or reconnecting.
 * @cssproperty [--slotpull-color-track=#e5e7eb] - The track.
 * @cssproperty [--slotpull-color-indicator=#2563eb] - The bar while pulling; focus rings.
 * @cssproperty [--slotpull-color-success=#15803d] - The bar when complete.
 * @cssproperty [--slotpull-color-danger=#b91c1c] - The bar and label on failure.
 * @cssproperty [--slotpull-color-warning=#92400e] - "Reconnecting…" and problems.
 * @cssproperty [--slotpull-height=0.5rem] - Height of the track.
 * @cssproperty [--slotpull-radius=999px] - Corner radius of track and bar.
 *
 * @event {SlotPullStartEvent} slot-pull-start - A pull started (`detail`: PullSnapshot).
 * @event {SlotPullProgressEvent} slot-pull-progress - A pull moved; at most 4 a second.
 * @event {SlotPullCompleteEvent} slot-pull-complete - The pull completed.
 * @event {SlotPullFailedEvent} slot-pull-failed - The pull failed (never for a network blip).
 * @event {SlotPullCancelledEvent} slot-pull-cancelled - The pull was cancelled.
 */
export class SlotImagePullBar extends SlotElement {
  static override styles = pullBarStyles;

  static override properties: PropertyDeclarations = {
    cancelable: { type: Boolean, reflect: true },
    showIdle: { type: Boolean, reflect: true, attribute: 'show-idle' },
    sticky: { type: Boolean, reflect: true },
    hideAfter: { type: Number, attribute: 'hide-after' },
    state: { reflect: true },
    announcement: { state: true },
    expiredJob: { state: true },
  };

  /** Shows a Cancel button while pulling (a DELETE). */
  declare cancelable: boolean;
  /** Shows the bar when no pull runs ("Image present", "Connecting…"). */
  declare showIdle: boolean;
  /** Keeps "Image ready" instead of hiding it after `hide-after` seconds. */
  declare sticky: boolean;
  /** Seconds "Image ready" stays; default 4. */
  declare hideAfter: number;
  /** What the bar shows (read it; setting it has no effect). */
  declare state: PullBarState;
  private declare announcement: string;
  private declare expiredJob: string | null;

  readonly #events = new PullEventsController(this);
  #hideTimer: ReturnType<typeof setTimeout> | null = null;
  /** The job a Retry or Cancel was pressed for: its request error shows only while that job is on screen. */
  #actionJob: string | null = null;

  readonly #retry = new Task(this, {
    autoRun: false,
    task: async ([base, slot]: readonly [string, string], { signal }) => {
      const { resumed: _resumed, ...snapshot } = await startPull(base, slot, signal);
      slotHub().offer(base, snapshot);
      return snapshot;
    },
  });

  readonly #cancel = new Task(this, {
    autoRun: false,
    task: async ([base, slot]: readonly [string, string], { signal }) => {
      const snapshot = await cancelPull(base, slot, signal);
      slotHub().offer(base, snapshot);
      return snapshot;
    },
  });

  constructor() {
    super();
    this.cancelable = false;
    this.showIdle = false;
    this.sticky = false;
    this.hideAfter = DEFAULT_HIDE_AFTER_S;
    this.state = PullBarState.connecting;
    this.announcement = '';
    this.expiredJob = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#clearHideTimer();
  }

  protected override snapshotChanged(next: PullSnapshot, previous: PullSnapshot | undefined): void {
    this.#events.observe(next, previous);
    const said = milestone(next, previous, this.formatter());
    if (said !== null) this.announcement = said;
    if (next.state === 'completed' && (previous?.state !== 'completed' || previous.job_id !== next.job_id)) {
      this.#scheduleHide(next.job_id);
    }
  }

  protected override willUpdate(): void {
    const s = this.snapshot;
    this.state = pullBarState({
      snapshot: s,
      hasProblem: this.problem() !== null,
      connected: this.stream.transport === Transport.open,
      completedExpired: !this.sticky && s !== undefined && this.expiredJob === s.job_id,
    });
  }

  protected override render(): TemplateResult {
    const state = this.state;
    const s = this.snapshot;
    if (state === PullBarState.problem) return this.#frame(state, this.problem()?.message ?? '', null, []);
    if (state === PullBarState.connecting || s === undefined) return this.#frame(state, messages.connecting, null, []);
    const f = this.formatter();
    switch (state) {
      case PullBarState.idle:
        return this.#frame(state, idleLabel(s), null, []);
      case PullBarState.determinate:
      case PullBarState.indeterminate:
        return this.#frame(state, messages.pulling(s.image), s, metaItems(s, f), this.#cancelButton(), this.#requestError(this.#cancel));
      case PullBarState.reconnecting:
        return this.#frame(state, messages.reconnecting, s, metaItems(s, f), this.#cancelButton(), this.#requestError(this.#cancel));
      case PullBarState.completed:
        return this.#frame(state, messages.ready, s, [bytesPhrase(s, f)].filter((item) => item !== null));
      case PullBarState.failed:
        return this.#frame(state, messages.pullFailed(s.error ?? messages.unknownError), s, [], this.#retryButton(), this.#requestError(this.#retry));
      case PullBarState.cancelled:
        return this.#frame(state, messages.cancelled, s, []);
    }
  }

  #frame(
    state: PullBarState,
    label: string,
    bar: PullSnapshot | null,
    meta: readonly string[],
    actions: TemplateResult | typeof nothing = nothing,
    requestError: string | null = null,
  ): TemplateResult {
    return html`<div part="base" class="base ${state}">
      <span part="label" class="label" id="label">${label}</span>
      <span part="actions" class="actions">${actions}</span>
      ${bar === null ? nothing : this.#bar(state, bar)}
      <span part="meta" class="meta">${meta.map((item) => html`<span>${item}</span> `)}</span>
      ${requestError === null ? nothing : html`<p part="request-error" class="request-error" role="alert">${requestError}</p>`}
      <span class="sr-only" role="status" aria-live="polite">${this.announcement}</span>
    </div>`;
  }

  #bar(state: PullBarState, s: PullSnapshot): TemplateResult {
    const percent = s.percent === null ? null : Math.max(0, Math.min(100, s.percent));
    const sweeping = state === PullBarState.indeterminate;
    return html`<div
      part="track"
      class="track"
      role="progressbar"
      aria-labelledby="label"
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent === null ? nothing : Math.floor(percent)}
      aria-valuetext=${valueText(state, s, this.formatter())}
    >
      <div part="indicator" class="indicator" style=${sweeping || percent === null ? nothing : `--_value:${percent}%`}></div>
    </div>`;
  }

  #retryButton(): TemplateResult {
    const pending = this.#retry.status === TaskStatus.PENDING;
    return html`<button part="button retry-button" type="button" ?disabled=${pending} @click=${this.#onRetry}>
      ${pending ? messages.retrying : messages.retry}
    </button>`;
  }

  #cancelButton(): TemplateResult | typeof nothing {
    if (!this.cancelable) return nothing;
    const pending = this.#cancel.status === TaskStatus.PENDING;
    return html`<button part="button cancel-button" type="button" ?disabled=${pending} @click=${this.#onCancel}>
      ${pending ? messages.cancelling : messages.cancel}
    </button>`;
  }

  #requestError(task: Task<readonly [string, string], PullSnapshot>): string | null {
    if (task.status !== TaskStatus.ERROR || this.#actionJob !== (this.snapshot?.job_id ?? null)) return null;
    const error = task.error;
    const why =
      error instanceof ApiProblem ? error.message : error instanceof ServerUnreachable ? messages.unreachable(error.base) : String(error);
    return task === this.#retry ? messages.startFailed(why) : messages.cancelFailed(why);
  }

  #onRetry = (): void => {
    const base = this.base;
    if (base === null) return;
    this.#actionJob = this.snapshot?.job_id ?? null;
    void this.#retry.run([base, this.slotName]);
  };

  #onCancel = (): void => {
    const base = this.base;
    if (base === null) return;
    this.#actionJob = this.snapshot?.job_id ?? null;
    void this.#cancel.run([base, this.slotName]);
  };

  #scheduleHide(job: string | null): void {
    this.#clearHideTimer();
    this.#hideTimer = setTimeout(() => {
      this.#hideTimer = null;
      this.expiredJob = job;
    }, Math.max(0, this.hideAfter) * 1000);
  }

  #clearHideTimer(): void {
    if (this.#hideTimer !== null) clearTimeout(this.#hideTimer);
    this.#hideTimer = null;
  }
}

defineElement('slot-image-pull-bar', SlotImagePullBar);

declare global {
  interface HTMLElementTagNameMap {
    'slot-image-pull-bar': SlotImagePullBar;
  }
}
