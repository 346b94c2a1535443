import { TaskStatus } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { startPull } from './api.ts';
import { defineElement } from './define.ts';
import { withImageRef } from './image-ref.ts';
import { BAR_PARTS } from './export-parts.ts';
import { SlotErrorActionEvent } from './events/slot-error-action.ts';
import type { SlotErrorDetail, SlotErrorReason } from './events/slot-error-detail.ts';
import { SlotErrorDismissEvent } from './events/slot-error-dismiss.ts';
import type { ElementKind } from './hub/hub.ts';
import { formatterFor } from './format.ts';
import { PullRequest } from './pull-request.ts';
import { SlotElement } from './slot-element.ts';
import { bannerStyles } from './slot-error-banner.styles.ts';
import './slot-image-pull-bar.ts';
import type { PullSnapshot } from '../wire/types.ts';

/** What the banner shows; reflected as the `state` attribute. */
export const BannerState = {
  /** No problem (a missing image and a pull running normally are none), not known yet, or the error was dismissed. */
  hidden: 'hidden',
  failed: 'failed',
  /** A pull vanished without an end: the server lost it. */
  interrupted: 'interrupted',
  crashed: 'crashed',
  /** Its Re-pull runs and no `<slot-image-pull-bar>` on the page shows the slot: the pull, inline. */
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
  /** The image reference in the message, shown isolated (image-ref.ts). */
  readonly image: string | null;
}

const HIDDEN: BannerView = { state: BannerState.hidden, key: null, message: '', image: null };

/** A shown error; its key is the state and `id` (the job, the container's error, the sentence). */
const view = (state: BannerState, id: string | null, message: string, image: string | null = null): BannerView => ({
  state,
  key: `${state}|${id}`,
  message,
  image,
});

/**
 * Says what is wrong with a slot, and offers the fix. It speaks only of
 * problems: hidden while the slot is healthy, while its image is simply not
 * pulled yet and while a pull runs normally (that is the pull bar's to show).
 * Its colors are light or dark by the page's `color-scheme`; in a container
 * narrower than 32rem the buttons go under the message.
 *
 * @summary An error banner for one slot: a failed or vanished pull, a crashed container, a server out of reach; with Re-pull and Dismiss.
 *
 * @csspart base - The banner (absent while hidden).
 * @csspart icon - The "!" mark.
 * @csspart message - The sentence; carries role=alert (an error that appeared while the page was open) or role=status (one present at load); while pulling, the inline bar speaks instead.
 * @csspart actions - Where Re-pull and Dismiss are.
 * @csspart button - Both buttons.
 * @csspart repull-button - Re-pull (a failed or vanished pull); "Pulling…" and disabled while the pull it started runs.
 * @csspart dismiss-button - Dismiss.
 * @csspart pull-bar - The inline `<slot-image-pull-bar>` while a Re-pull runs, when the page has no pull bar for the slot; its parts as `bar-base`, `bar-indicator`, `bar-meta`, ….
 * @csspart request-error - Why a Re-pull request failed.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand.
 * @cssproperty [--slotpull-color-danger=light-dark(#b91c1c, #f87171)] - Border of an error.
 * @cssproperty [--slotpull-color-danger-surface=light-dark(#fef2f2, #3b0d0d)] - Background of an error.
 * @cssproperty [--slotpull-color-danger-text=light-dark(#7f1d1d, #fecaca)] - Text of an error.
 * @cssproperty [--slotpull-color-indicator=light-dark(#2563eb, #60a5fa)] - Border while pulling or unreachable; focus rings.
 * @cssproperty [--slotpull-color-info-surface=light-dark(#eff6ff, #102a4c)] - Background while pulling or unreachable.
 * @cssproperty [--slotpull-color-text=light-dark(#1f2937, #e5e7eb)] - Text while pulling or unreachable.
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
  };

  /** What the banner shows (read it; setting it has no effect). */
  declare state: BannerState;

  /** The error on screen when the slot was first known (role=status); undefined until then. */
  #loadKey: string | null | undefined = undefined;
  #view: BannerView = HIDDEN;
  /** The error the user dismissed: hidden until another one shows. */
  #dismissedKey: string | null = null;
  /**
   * A Re-pull was pressed, or a pull began while the error showed: the banner
   * follows it (inline, unless a pull bar shows it). Each change comes with
   * an update: a snapshot's, or the request Task's.
   */
  #repulling = false;

  readonly #pull = new PullRequest(this, {
    send: startPull,
    part: 'repull-button',
    label: 'rePull',
    name: 'rePullName',
    busyLabel: 'rePulling',
    failed: 'startFailed',
    showing: () => this.#view.key,
    press: () => {
      if (!this.dispatchEvent(new SlotErrorActionEvent(this.#detail()))) return false;
      this.#repulling = true;
      return true;
    },
    onError: () => {
      this.#repulling = false;
    },
  });

  constructor() {
    super();
    this.state = BannerState.hidden;
  }

  protected override kind_(): ElementKind {
    return 'banner';
  }

  /** A hidden banner (nothing wrong, or dismissed) leaves a problem to the pull bar. */
  protected override shows_(): boolean {
    return this.state !== BannerState.hidden;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('state') && (changed.get('state') === BannerState.hidden) !== (this.state === BannerState.hidden)) this.stream_.showsChanged();
  }

  protected override snapshotChanged_(next: PullSnapshot): void {
    if (next.state === 'pulling') {
      // A pull that starts while the banner shows (not dismissed) a pull's failure: follow it.
      if (this.state === BannerState.failed || this.state === BannerState.interrupted) this.#repulling = true;
      return;
    }
    this.#repulling = false;
  }

  protected override willUpdate(): void {
    const view = this.#computeView();
    if (this.#loadKey === undefined && this.#settled()) this.#loadKey = view.key;
    this.#view = view;
    this.state = view.key !== null && view.key === this.#dismissedKey ? BannerState.hidden : view.state;
  }

  /** The slot has been read at least once (a re-read keeps the last answer) and its stream has spoken. */
  #settled(): boolean {
    const looked = this.lookup_.status === TaskStatus.COMPLETE || this.lookup_.status === TaskStatus.ERROR || this.lookup_.value !== undefined;
    return this.problem_() !== null || (looked && this.snapshot !== undefined);
  }

  #computeView(): BannerView {
    const problem = this.problem_();
    if (problem !== null) {
      if (problem.kind === 'external') return HIDDEN;
      return view(problem.kind === 'unreachable' ? BannerState.unreachable : BannerState.problem, problem.message, problem.message);
    }
    const s = this.snapshot;
    if (s === undefined || !this.#settled()) return HIDDEN;
    const t = formatterFor(this).phrases;
    const lost = this.stream_.interrupted;
    if (s.state === 'pulling') {
      if (this.#repulling && !this.stream_.has('bar')) return view(BannerState.pulling, s.job_id, t.pulling(s.image), s.image);
    } else if (lost !== null) {
      return view(BannerState.interrupted, lost.job_id, t.bannerInterrupted(lost.image), lost.image);
    } else if (s.state === 'failed') {
      return view(BannerState.failed, s.job_id, t.imageFailed(s.image, s.error ?? t.unknownError), s.image);
    }
    // The container's state is live on the stream: a crash shows within a few seconds, and goes when it runs again.
    if (s.container_status === 'crashed') {
      const container = this.lookup_.value?.provider === 'container' ? this.lookup_.value.container : this.slotName;
      return view(BannerState.crashed, s.container_error ?? '', s.container_error === null ? t.bannerCrashed(container) : t.bannerCrashedWhy(container, s.container_error));
    }
    return HIDDEN;
  }

  protected override render(): TemplateResult | typeof nothing {
    const state = this.state;
    if (state === BannerState.hidden) return nothing;
    const view = this.#view;
    const t = formatterFor(this).phrases;
    const pulling = state === BannerState.pulling;
    const offersRepull = pulling || state === BannerState.failed || state === BannerState.interrupted;
    // An error present when the slot was first known is a status; one that appears later is an alert. A pull is its inline bar's to say.
    const role = pulling ? nothing : view.key === this.#loadKey ? 'status' : 'alert';
    return html`<div part="base" class="base ${state}">
      <span part="icon" class="icon" aria-hidden="true">!</span>
      <div class="message" role=${role}><p part="message" class="message-text">${withImageRef(view.message, view.image)}</p></div>
      <div part="actions" class="actions">
        ${offersRepull ? this.#pull.button(pulling) : nothing}
        <button part="button dismiss-button" type="button" aria-label=${t.dismissName(this.slotName)} @click=${this.#onDismiss}>
          ${t.dismiss}
        </button>
      </div>
      ${pulling && this.base !== null
        ? html`<slot-image-pull-bar part="pull-bar" exportparts=${BAR_PARTS} slot-name=${this.slotName} base-url=${this.base}></slot-image-pull-bar>`
        : nothing}
      ${offersRepull && !this.#repulling ? this.#pull.error() : nothing}
    </div>`;
  }

  #detail(): SlotErrorDetail {
    const state = this.#view.state;
    const reason: SlotErrorReason = state === BannerState.pulling ? 'failed' : state === BannerState.hidden ? 'problem' : state;
    return { slot_name: this.slotName, reason, message: this.#view.message, snapshot: this.snapshot ?? null };
  }

  #onDismiss = (): void => {
    this.#dismissedKey = this.#view.key;
    this.requestUpdate();
    this.dispatchEvent(new SlotErrorDismissEvent(this.#detail()));
  };
}

defineElement('slot-error-banner', SlotErrorBanner);

declare global {
  interface HTMLElementTagNameMap {
    'slot-error-banner': SlotErrorBanner;
  }
}
