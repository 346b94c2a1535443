import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { cancelPull, startPull } from './api.ts';
import { cancelPaint, paintNextFrame } from './controllers/frame-painter.ts';
import { unwatchWidth, watchWidth, widthOf } from './controllers/widths.ts';
import { defineElement } from './define.ts';
import { withImageRef } from './image-ref.ts';
import { formatterFor } from './format.ts';
import type { ElementKind } from './hub/hub.ts';
import { Transport } from './hub/transport.ts';
import { milestone } from './milestones.ts';
import { hasTrack, isProblem, isRunning, label, metaItems, PullBarState, pullBarState, startControl, valueText } from './pull-bar-view.ts';
import { PullRequest } from './pull-request.ts';
import { SlotElement } from './slot-element.ts';
import { pullBarStyles } from './slot-image-pull-bar.styles.ts';
import { askToNotify, notifyEnd, showInTitle } from './tab-signals.ts';
import type { PullSnapshot } from '../wire/types.ts';

export { PullBarState } from './pull-bar-view.ts';

/** Seconds "Image ready" stays before the bar hides (unless `sticky`). */
export const DEFAULT_HIDE_AFTER_S = 4;

/**
 * A step of the indicator of at least this many percent slides to its new
 * place; a smaller one is drawn at once. A pull sends 5 frames a second, in
 * small steps: sliding each would keep a transition running all the time,
 * and the browser restyles a running transition on the main thread at every
 * frame, for every bar on the page.
 */
const SLIDE_MIN_PERCENT = 1;

/**
 * The progress of a slot's image pull, live from the server, and the control
 * to start one. Beside a `<slot-error-banner>` of the same slot, a problem (a
 * failed or vanished pull, a server out of reach) is the banner's to say:
 * the bar hides while the banner shows it (`deferred`), so nothing shows
 * twice, and says it itself, with Retry, once the banner is dismissed.
 *
 * While a pull runs, the fill moves with every frame; the words under it
 * (percent, bytes, speed, ETA, layer), aria-valuenow and aria-valuetext
 * change once a second, at the page's beat, from the snapshot every element
 * of the page shows then: text that changes 5 times a second cannot be
 * read, and laying it out again in every bar is most of a page's work.
 * Where several bars show one slot, the first carries its progressbar and
 * polite announcements; the others show the same to the eye only.
 *
 * Its text is the page's; its colors are light or dark by the page's
 * `color-scheme`. In a container narrower than 20rem the buttons go under
 * the label; an image reference breaks only after `/`, `:` or `@`.
 *
 * @summary A progress bar for one slot's image pull: percent, bytes, speed, ETA and layers, with Pull, Retry and Cancel.
 *
 * @csspart base - The wrapper of everything below.
 * @csspart label - "Pulling image <name:tag>…", "Image ready", "Pull failed: <error>", "Reconnecting…", "Image not pulled yet".
 * @csspart track - The bar's track; carries role=progressbar.
 * @csspart indicator - The filled part of the track (a sweep while indeterminate): the share downloaded; muted while no data arrives.
 * @csspart unpack-indicator - While unpacking, the second fill over the faded download: the share unpacked where the engine says it, else a sweep.
 * @csspart meta - Percent, "Unpacking layer 2 of 3 · 41%", "Writing the image…" or "No data for 20 sec", bytes, speed, ETA and "layer 3/9" (speed and ETA not while reconnecting, ETA not while stalled).
 * @csspart actions - Where Pull, Retry and Cancel are.
 * @csspart button - Every button.
 * @csspart pull-button - Pull where the image is missing; Re-pull once it is there (after a pull, or with `show-idle`).
 * @csspart retry-button - Retry, after a failure or a pull the server lost.
 * @csspart cancel-button - Cancel, with `cancelable`; it names the other slots that share the pull ("Cancel (also stops code)").
 * @csspart request-error - Why a Pull, Retry or Cancel request failed.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand of the element.
 * @cssproperty [--slotpull-color-text=inherit] - Text (the page's, unless set).
 * @cssproperty [--slotpull-color-muted=light-dark(#4b5563, #a5b0c0)] - Secondary text, and the bar while cancelled, reconnecting or no data arrives.
 * @cssproperty [--slotpull-color-track=light-dark(#e5e7eb, #334155)] - The track.
 * @cssproperty [--slotpull-color-indicator=light-dark(#2563eb, #60a5fa)] - The bar while pulling; focus rings.
 * @cssproperty [--slotpull-color-success=light-dark(#15803d, #4ade80)] - The bar when complete.
 * @cssproperty [--slotpull-color-danger=light-dark(#b91c1c, #f87171)] - The bar and label on failure.
 * @cssproperty [--slotpull-color-warning=light-dark(#92400e, #fbbf24)] - "Reconnecting…", an interrupted pull and problems.
 * @cssproperty [--slotpull-height=0.5rem] - Height of the track.
 * @cssproperty [--slotpull-radius=999px] - Corner radius of track and bar.
 *
 * @event {SlotPullStartEvent} slot-pull-start - A pull started (`detail`: PullSnapshot). Each `slot-pull-*` event fires once per change on the page, from one element of the slot: its pull bar, else its banner, else its chip.
 * @event {SlotPullProgressEvent} slot-pull-progress - A pull moved; at most 4 a second.
 * @event {SlotPullCompleteEvent} slot-pull-complete - The pull completed.
 * @event {SlotPullFailedEvent} slot-pull-failed - The pull failed (never for a network blip).
 * @event {SlotPullCancelledEvent} slot-pull-cancelled - The pull was cancelled.
 * @event {SlotPullInterruptedEvent} slot-pull-interrupted - The pull vanished without an end (the server restarted and lost it); `detail` is its last snapshot.
 */
export class SlotImagePullBar extends SlotElement {
  static override styles = pullBarStyles;

  static override properties: PropertyDeclarations = {
    cancelable: { type: Boolean, reflect: true },
    showIdle: { type: Boolean, reflect: true, attribute: 'show-idle' },
    sticky: { type: Boolean, reflect: true },
    hideAfter: { type: Number, attribute: 'hide-after' },
    notify: { type: Boolean },
    titleProgress: { type: Boolean, attribute: 'title-progress' },
    state: { reflect: true },
    deferred: { type: Boolean, reflect: true },
  };

  /** Shows a Cancel button while pulling (a DELETE). */
  declare cancelable: boolean;
  /** Shows the bar when no pull runs ("Image present", "Connecting…"). */
  declare showIdle: boolean;
  /** Keeps "Image ready" instead of hiding it after `hide-after` seconds. */
  declare sticky: boolean;
  /** Seconds "Image ready" stays; default 4. */
  declare hideAfter: number;
  /**
   * A system notification when the pull completes or fails while the tab is
   * hidden, one per pull for the page; clicking it brings the tab back. The
   * browser asks the person's permission when they press this bar's Pull,
   * Re-pull or Retry, never before.
   */
  declare notify: boolean;
  /**
   * The pull's percent before the page's title while it runs ("41% · Dashboard");
   * with several pulls, the lowest. The page's title (or the one it set
   * meanwhile) comes back when none runs.
   */
  declare titleProgress: boolean;
  /** What the bar shows (read it; setting it has no effect). */
  declare state: PullBarState;
  /** A `<slot-error-banner>` of the slot shows this problem, so the bar hides (read it; setting it has no effect). */
  declare deferred: boolean;

  /** The polite status region's words (set with the snapshot, which updates the element). */
  #announcement = '';
  /** The job whose "Image ready" has been shown for `hide-after` seconds. */
  #expiredJob: string | null = null;
  #hideTimer: ReturnType<typeof setTimeout> | null = null;
  /** The percent the indicator shows (0–100), null without one. */
  #shown: number | null = null;
  /** Where the fills end, in pixels of the track, as last drawn at a frame; null after an update (not measured). */
  #drawnAt: string | null = null;
  /** The track's indicator whose width the page's observer keeps for this bar. */
  #watched: HTMLElement | null = null;

  readonly #retry = new PullRequest(this, {
    send: startPull,
    part: 'retry-button',
    label: 'retry',
    name: 'retryName',
    busyLabel: 'retrying',
    failed: 'startFailed',
    showing: () => this.#job(),
    // A press of Pull, Re-pull or Retry: the moment to ask for the permission to notify.
    press: () => askToNotify(this.notify),
  });

  readonly #pull = new PullRequest(this, {
    send: startPull,
    part: 'pull-button',
    label: 'pull',
    name: 'pullName',
    busyLabel: 'rePulling',
    failed: 'startFailed',
    showing: () => this.#job(),
    press: () => askToNotify(this.notify),
  });

  readonly #cancel = new PullRequest(this, {
    send: cancelPull,
    part: 'cancel-button',
    label: 'cancel',
    name: 'cancelName',
    busyLabel: 'cancelling',
    failed: 'cancelFailed',
    showing: () => this.#job(),
  });

  constructor() {
    super();
    this.cancelable = false;
    this.showIdle = false;
    this.sticky = false;
    this.hideAfter = DEFAULT_HIDE_AFTER_S;
    this.notify = false;
    this.titleProgress = false;
    this.state = PullBarState.connecting;
    this.deferred = false;
  }

  /** A bar in a banner's shadow root is the banner's inline bar: no bar of the page's own (it may still be the slot's voice). */
  protected override kind_(): ElementKind {
    return (this.getRootNode() as Partial<ShadowRoot>).host?.localName === 'slot-error-banner' ? 'inline' : 'bar';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#clearHideTimer();
    cancelPaint(this.#paint);
    this.#watch(null);
    showInTitle(this, undefined);
  }

  protected override snapshotChanged_(next: PullSnapshot, previous: PullSnapshot | undefined): void {
    // Only the slot's voice says milestones; a failure is the banner's to say where the page has one.
    const said = this.stream_.voices() ? milestone(next, previous, formatterFor(this), this.stream_.has('banner', false)) : null;
    if (said !== null) {
      this.#announcement = said;
      this.requestUpdate();
    }
    // An end this page saw happen (not one it found on connecting); notifyEnd says each job's once.
    if (this.notify && previous !== undefined && previous.state !== next.state && (next.state === 'completed' || next.state === 'failed')) {
      const t = formatterFor(this).phrases;
      notifyEnd(next.job_id, next.state === 'completed' ? t.announceDone(next.image) : t.imageFailed(next.image, next.error ?? t.unknownError));
    }
    if (next.state === 'completed' && (previous?.state !== 'completed' || previous.job_id !== next.job_id)) {
      this.#scheduleHide(next.job_id);
    }
    paintNextFrame(this.#paint);
  }

  protected override willUpdate(): void {
    const s = this.snapshot;
    this.state = pullBarState(
      s,
      this.stream_.interrupted,
      this.problem_(),
      this.stream_.transport === Transport.open,
      !this.sticky && s !== undefined && this.#expiredJob === s.job_id,
    );
    this.deferred = isProblem(this.state) && this.stream_.has('banner');
  }

  protected override updated(): void {
    this.#watch(this.renderRoot.querySelector<HTMLElement>('.indicator'));
    this.#drawFills();
    this.#drawnAt = null;
    // In step with the bar's words: the page's snapshot of the beat.
    showInTitle(this, this.titleProgress && isRunning(this.state) ? (this.stream_.worded?.percent ?? null) : undefined);
  }

  protected override render(): TemplateResult {
    const state = this.state;
    const s = this.snapshot;
    const problem = this.problem_();
    const f = formatterFor(this);
    // The words under the bar and its aria-valuetext: the page's snapshot for words, up to a second old.
    const words = this.stream_.worded;
    // Cancel while a pull runs (with `cancelable`); else Retry, Pull or Re-pull where one can start.
    const start = startControl(state, s, problem);
    const request = isRunning(state) ? (this.cancelable ? this.#cancel : null) : start === 'retry' ? this.#retry : start === null ? null : this.#pull;
    return html`<div part="base" class="base ${state}">
      <span part="label" class="label" id="label">${withImageRef(label(state, s, problem, f), s?.image)}</span>
      <span part="actions" class="actions">${this.#button(request, start)}</span>
      ${words !== undefined && hasTrack(state) ? this.#bar(state, words) : nothing}
      <span part="meta" class="meta">${metaItems(state, words, f).map((item) => html`<span>${item}</span> `)}</span>
      ${request?.error() ?? nothing}
      ${this.stream_.voices() ? html`<span class="sr-only" role="status" aria-live="polite">${this.#announcement}</span>` : nothing}
    </div>`;
  }

  #button(request: PullRequest | null, start: ReturnType<typeof startControl>): TemplateResult | typeof nothing {
    if (request === null) return nothing;
    const f = formatterFor(this);
    const t = f.phrases;
    if (request !== this.#cancel) return start === 'repull' ? request.button(false, t.rePull, t.rePullName(this.slotName)) : request.button();
    // Cancel stops the image's one engine pull: when other slots share it, the button says so before it is pressed.
    const slots = this.snapshot?.shared_with ?? [];
    // "code", "code and vision", "code, vision and 2 more".
    const others = f.list(slots.length > 3 ? [...slots.slice(0, 2), f.plural(t.more, slots.length - 2)] : slots);
    return slots.length === 0 ? request.button() : request.button(false, t.cancelAlso(others), t.cancelNameAlso(this.slotName, others));
  }

  /**
   * The track: the slot's progressbar where this bar is its voice, else a
   * picture of it hidden from assistive technology. The fills are drawn by
   * #drawFills, not here.
   */
  #bar(state: PullBarState, words: PullSnapshot): TemplateResult {
    const s = isRunning(state) ? this.snapshot : undefined;
    // Unpacking fills the track again over the faded download; a stalled download is striped.
    const unpacking = s?.phase === 'extracting';
    const percent = words.percent;
    return html`<div
      part="track"
      class="track ${unpacking ? 'unpacking' : s?.stalled_s != null ? 'stalled' : ''}"
      role="progressbar"
      aria-hidden=${this.stream_.voices() ? nothing : 'true'}
      aria-labelledby="label"
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent === null ? nothing : Math.floor(Math.max(0, Math.min(100, percent)))}
      aria-valuetext=${valueText(state, words, formatterFor(this))}
    >
      <div part="indicator" class="indicator"></div>
      ${unpacking ? html`<div part="unpack-indicator" class="unpack"></div>` : nothing}
    </div>`;
  }

  /**
   * A frame of a running pull, which updates nothing else (one callback for
   * the page's bars, see frame-painter.ts): the fills are drawn once their
   * end moves by a pixel of the track — at 5 frames a second, most frames
   * of a pull move it by less.
   */
  readonly #paint = (): (() => void) | undefined => {
    const s = this.snapshot;
    const width = this.#watched === null ? 0 : widthOf(this.#watched);
    // Not laid out yet: drawn on every frame until the observer has the width.
    if (width === undefined) return () => this.#drawFills();
    const at = [s?.percent, s?.extract_percent].map((percent) => (percent == null ? '-' : Math.round((percent * width) / 100))).join();
    if (at === this.#drawnAt) return undefined;
    this.#drawnAt = at;
    return () => this.#drawFills();
  };

  /** Draws the fills from the newest snapshot. A fill without a share carries no style: the unpacking one then sweeps. */
  #drawFills(): void {
    const s = this.snapshot;
    const root = this.renderRoot;
    const indicator = root.querySelector<HTMLElement>('.indicator');
    const shown = s?.percent == null || indicator === null ? null : Math.max(0, Math.min(100, s.percent));
    // A big step slides; the class stays until the percent moves again, so a re-render cannot cut a slide short.
    if (shown !== this.#shown) indicator?.classList.toggle('slide', shown !== null && this.#shown !== null && Math.abs(shown - this.#shown) >= SLIDE_MIN_PERCENT);
    this.#shown = shown;
    fill(indicator, shown);
    fill(root.querySelector<HTMLElement>('.unpack'), s?.extract_percent ?? null);
  }

  #watch(indicator: HTMLElement | null): void {
    if (indicator === this.#watched) return;
    if (this.#watched !== null) unwatchWidth(this.#watched);
    if (indicator !== null) watchWidth(indicator);
    this.#watched = indicator;
  }

  /** The job on screen, which a Retry or Cancel is pressed for. */
  #job(): string | null {
    return this.snapshot?.job_id ?? null;
  }

  #scheduleHide(job: string | null): void {
    this.#clearHideTimer();
    this.#hideTimer = setTimeout(() => {
      this.#hideTimer = null;
      this.#expiredJob = job;
      this.requestUpdate();
    }, Math.max(0, this.hideAfter) * 1000);
  }

  #clearHideTimer(): void {
    if (this.#hideTimer !== null) clearTimeout(this.#hideTimer);
    this.#hideTimer = null;
  }
}

/** Sets a fill's share, or takes its style away. */
function fill(element: HTMLElement | null, percent: number | null): void {
  if (percent === null) element?.removeAttribute('style');
  else element?.style.setProperty('--_value', `${percent}%`);
}

defineElement('slot-image-pull-bar', SlotImagePullBar);

declare global {
  interface HTMLElementTagNameMap {
    'slot-image-pull-bar': SlotImagePullBar;
  }
}
