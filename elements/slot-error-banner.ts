import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ApiProblem, ServerUnreachable, startPull } from './api.ts';
import { defineElement } from './define.ts';
import { SlotErrorActionEvent } from './events/slot-error-action.ts';
import type { SlotErrorDetail, SlotErrorReason } from './events/slot-error-detail.ts';
import { SlotErrorDismissEvent } from './events/slot-error-dismiss.ts';
import { slotHub } from './hub/hub.ts';
import { messages } from './messages.ts';
import { SlotElement } from './slot-element.ts';
import { bannerStyles } from './slot-error-banner.styles.ts';
import './slot-image-pull-bar.ts';
import type { PullSnapshot } from './wire.ts';

/** What the banner shows; reflected as the `state` attribute. */
export const BannerState = {
  /** The slot is healthy, not known yet, or the error was dismissed. */
  hidden: 'hidden',
  missing: 'missing',
  failed: 'failed',
  crashed: 'crashed',
  /** A Re-pull (or any pull that began while the banner showed) is running: the inline bar. */
  pulling: 'pulling',
  unreachable: 'unreachable',
  /** No such slot, or a bad attribute. */
  problem: 'problem',
} as const;
export type BannerState = (typeof BannerState)[keyof typeof BannerState];

interface BannerView {
  readonly state: BannerState;
  /** Identifies one error: dismissing hides it until the key changes. */
  readonly key: string | null;
  readonly message: string;
}

const HIDDEN: BannerView = { state: BannerState.hidden, key: null, message: '' };

/**
 * Says what is wrong with a slot, and offers the fix.
 *
 * @summary An error banner for one slot: missing image, failed pull or crashed container, with Re-pull and Dismiss.
 *
 * @csspart base - The banner (absent while hidden).
 * @csspart icon - The "!" mark.
 * @csspart message - The sentence; carries role=alert (an error that appeared while the page was open) or role=status (one present at load).
 * @csspart actions - Where Re-pull and Dismiss are.
 * @csspart button - Both buttons.
 * @csspart repull-button - Re-pull (missing image, failed pull); "Pulling…" and disabled while a pull runs.
 * @csspart dismiss-button - Dismiss.
 * @csspart pull-bar - The inline `<slot-image-pull-bar>` while a Re-pull runs.
 * @csspart request-error - Why a Re-pull request failed.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand.
 * @cssproperty [--slotpull-color-danger=#b91c1c] - Border of an error.
 * @cssproperty [--slotpull-color-danger-surface=#fef2f2] - Background of an error.
 * @cssproperty [--slotpull-color-danger-text=#7f1d1d] - Text of an error.
 * @cssproperty [--slotpull-color-indicator=#2563eb] - Border while pulling or unreachable; focus rings.
 * @cssproperty [--slotpull-color-info-surface=#eff6ff] - Background while pulling or unreachable.
 * @cssproperty [--slotpull-color-text=#1f2937] - Text while pulling or unreachable.
 * @cssproperty [--slotpull-banner-padding=0.75rem 1rem] - Padding.
 * @cssproperty [--slotpull-banner-radius=0.375rem] - Corner radius.
 *
 * @event {SlotErrorActionEvent} slot-error-action - Re-pull pressed, before the POST; `preventDefault()` stops the request.
 * @event {SlotErrorDismissEvent} slot-error-dismiss - The banner was dismissed.
 */
export class SlotErrorBanner extends SlotElement {
  static override styles = bannerStyles;

  static override properties: PropertyDeclarations = {
    state: { reflect: true },
    dismissedKey: { state: true },
    repulling: { state: true },
  };

  /** What the banner shows (read it; setting it has no effect). */
  declare state: BannerState;
  private declare dismissedKey: string | null;
  private declare repulling: boolean;

  /** The error on screen when the slot was first known (role=status); undefined until then. */
  #loadKey: string | null | undefined = undefined;
  #view: BannerView = HIDDEN;
  /** The error a Re-pull was pressed for: its request error shows only while that error is on screen. */
  #actionKey: string | null = null;

  readonly #pull = new Task(this, {
    autoRun: false,
    task: async ([base, slot]: readonly [string, string], { signal }) => {
      try {
        const { resumed: _resumed, ...snapshot } = await startPull(base, slot, signal);
        slotHub().offer(base, snapshot);
        return snapshot;
      } catch (error) {
        this.repulling = false;
        throw error;
      }
    },
  });

  constructor() {
    super();
    this.state = BannerState.hidden;
    this.dismissedKey = null;
    this.repulling = false;
  }

  protected override snapshotChanged(next: PullSnapshot, previous: PullSnapshot | undefined): void {
    if (next.state === 'pulling') {
      // A pull that starts while the banner shows (not dismissed) its image error: follow it inline.
      if (this.state === BannerState.missing || this.state === BannerState.failed) this.repulling = true;
      return;
    }
    this.repulling = false;
    // The container may have changed too (it is not on the stream): read the slot again.
    if (previous?.state === 'pulling') this.refreshLookup();
  }

  protected override willUpdate(): void {
    const view = this.#computeView();
    if (this.#loadKey === undefined && this.#settled()) this.#loadKey = view.key;
    this.#view = view;
    this.state = view.key !== null && view.key === this.dismissedKey ? BannerState.hidden : view.state;
  }

  /** The slot has been read at least once (a re-read keeps the last answer) and its stream has spoken. */
  #settled(): boolean {
    const looked = this.lookup.status === TaskStatus.COMPLETE || this.lookup.status === TaskStatus.ERROR || this.lookup.value !== undefined;
    return this.problem() !== null || (looked && this.snapshot !== undefined);
  }

  #computeView(): BannerView {
    const problem = this.problem();
    if (problem !== null) {
      if (problem.kind === 'external') return HIDDEN;
      const state = problem.kind === 'unreachable' ? BannerState.unreachable : BannerState.problem;
      return { state, key: `${state}|${problem.message}`, message: problem.message };
    }
    const s = this.snapshot;
    if (s === undefined || !this.#settled()) return HIDDEN;
    const info = this.lookup.value?.provider === 'container' ? this.lookup.value : null;
    if (s.state === 'pulling') {
      if (this.repulling) return { state: BannerState.pulling, key: `pulling|${s.job_id}`, message: messages.pulling(s.image) };
    } else if (s.state === 'missing' || (s.state === 'cancelled' && info?.image_status === 'missing')) {
      return { state: BannerState.missing, key: `missing|${s.job_id ?? ''}`, message: messages.bannerMissing(s.image) };
    } else if (s.state === 'failed') {
      return {
        state: BannerState.failed,
        key: `failed|${s.job_id}`,
        message: messages.bannerFailed(s.image, s.error ?? messages.unknownError),
      };
    }
    if (info?.container_status === 'crashed') {
      return {
        state: BannerState.crashed,
        key: `crashed|${info.container_error ?? ''}`,
        message: messages.bannerCrashed(info.container, info.container_error),
      };
    }
    return HIDDEN;
  }

  protected override render(): TemplateResult | typeof nothing {
    const state = this.state;
    const view = this.#view;
    switch (state) {
      case BannerState.hidden:
        return nothing;
      case BannerState.missing:
      case BannerState.failed:
      case BannerState.pulling:
        return this.#frame(state, view, this.#repullButton(state), this.#requestError());
      case BannerState.crashed:
      case BannerState.unreachable:
      case BannerState.problem:
        return this.#frame(state, view, nothing, null);
    }
  }

  #frame(state: BannerState, view: BannerView, repull: TemplateResult | typeof nothing, requestError: string | null): TemplateResult {
    // An error present when the slot was first known is a status; one that appears later is an alert.
    const role = state === BannerState.pulling || view.key === this.#loadKey ? 'status' : 'alert';
    return html`<div part="base" class="base ${state}">
      <span part="icon" class="icon" aria-hidden="true">!</span>
      <div class="message" role=${role}><p part="message" class="message-text">${view.message}</p></div>
      <div part="actions" class="actions">
        ${repull}
        <button part="button dismiss-button" type="button" aria-label=${messages.dismissLabel} @click=${this.#onDismiss}>
          ${messages.dismiss}
        </button>
      </div>
      ${state === BannerState.pulling && this.base !== null
        ? html`<slot-image-pull-bar part="pull-bar" slot-name=${this.slotName} base-url=${this.base}></slot-image-pull-bar>`
        : nothing}
      ${requestError === null ? nothing : html`<p part="request-error" class="request-error" role="alert">${requestError}</p>`}
    </div>`;
  }

  #repullButton(state: BannerState): TemplateResult {
    const busy = state === BannerState.pulling || this.#pull.status === TaskStatus.PENDING;
    return html`<button part="button repull-button" type="button" ?disabled=${busy} @click=${this.#onRepull}>
      ${busy ? messages.rePulling : messages.rePull}
    </button>`;
  }

  #requestError(): string | null {
    if (this.#pull.status !== TaskStatus.ERROR || this.repulling || this.#actionKey !== this.#view.key) return null;
    const error = this.#pull.error;
    const why =
      error instanceof ApiProblem ? error.message : error instanceof ServerUnreachable ? messages.unreachable(error.base) : String(error);
    return messages.startFailed(why);
  }

  #detail(): SlotErrorDetail {
    const reasons: Record<BannerState, SlotErrorReason> = {
      hidden: 'problem',
      missing: 'missing',
      failed: 'failed',
      crashed: 'crashed',
      pulling: 'missing',
      unreachable: 'unreachable',
      problem: 'problem',
    };
    return { slot_name: this.slotName, reason: reasons[this.#view.state], message: this.#view.message, snapshot: this.snapshot ?? null };
  }

  #onRepull = (): void => {
    const base = this.base;
    if (base === null || !this.dispatchEvent(new SlotErrorActionEvent(this.#detail()))) return;
    this.#actionKey = this.#view.key;
    this.repulling = true;
    void this.#pull.run([base, this.slotName]);
  };

  #onDismiss = (): void => {
    this.dismissedKey = this.#view.key;
    this.dispatchEvent(new SlotErrorDismissEvent(this.#detail()));
  };
}

defineElement('slot-error-banner', SlotErrorBanner);

declare global {
  interface HTMLElementTagNameMap {
    'slot-error-banner': SlotErrorBanner;
  }
}
