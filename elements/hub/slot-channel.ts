/**
 * One slot of one server as the page's hub holds it: its latest snapshot, a
 * pull that vanished without an end, the listeners that show the slot, and
 * its `slot-pull-*` events. The hub knows which elements show the slot
 * (by kind), so they can share the work: the banner shows a pull inline only
 * where no pull bar shows it, the bar leaves a problem to a banner. Events
 * are computed here once per change and dispatched on one element of the
 * slot — its pull bar, else its banner, else its chip —, so a listener on
 * `document` hears each change once, however many elements show the slot.
 *
 * One voice per slot (issue 15): of the slot's elements on the page, one
 * carries its progress bar and polite announcements — the first pull bar,
 * else a banner's inline bar —, the others show the same without a second
 * voice; another is chosen when it goes. And one snapshot for the words:
 * `worded`, taken at the page's beat (words-tick.ts), so every element shows
 * the same numbers at the same moment.
 */
import type { ApiProblem } from '../api.ts';
import type { SlotPullEvent } from '../events/slot-pull-event.ts';
import type { PullSnapshot } from '../../wire/types.ts';
import { PullEvents, vanished } from './pull-events.ts';
import type { Transport } from './transport.ts';
import { leaveBeat, waitForBeat } from './words-tick.ts';

/** The elements a slot may have, in the order in which they speak for it. */
export const ELEMENT_KINDS = ['bar', 'banner', 'status'] as const;
/** Those, and a banner's inline pull bar, which speaks no events but may be the slot's voice. */
export type ElementKind = (typeof ELEMENT_KINDS)[number] | 'inline';

export interface SlotListener {
  /**
   * Every snapshot of the slot; `interrupted` is the last snapshot of a pull
   * that vanished, until another job shows up; `worded` is the one its words
   * (numbers as text) are told from: the newest at the page's last beat.
   */
  snapshot(snapshot: PullSnapshot, interrupted: PullSnapshot | null, worded: PullSnapshot): void;
  /** The page's beat gave the slot a newer `worded` snapshot. */
  words?(worded: PullSnapshot): void;
  /** `refusal` is the server's answer while `state` is `refused`, else null. */
  transport(state: Transport, refusal: ApiProblem | null): void;
  /** What element this is (the hub counts them per slot); other readers leave it out. */
  readonly kind?: ElementKind;
  /** Where the slot's events go while this element speaks for the slot. */
  readonly target?: EventTarget;
  /** Whether the element shows anything now (default: yes); a dismissed banner does not. */
  shows?(): boolean;
  /** An element of the slot came, went, or changed whether it shows anything. */
  peers?(): void;
}

/**
 * Whether the words must follow `next` at once rather than at the next beat:
 * another job or state, or a percent found or lost.
 */
const wordsNews = (next: PullSnapshot, worded: PullSnapshot | undefined): boolean =>
  next.state !== worded?.state || next.job_id !== worded.job_id || (next.percent === null) !== (worded.percent === null);

export class SlotChannel {
  snapshot: PullSnapshot | undefined;
  /** The snapshot the slot's words are told from: news at once, else the newest at the page's beat. */
  worded: PullSnapshot | undefined;
  /** The last snapshot of a pull that vanished (a server that lost it), until a job shows up again. */
  interrupted: PullSnapshot | null = null;
  readonly listeners = new Set<SlotListener>();
  readonly #events = new PullEvents((event) => this.#speak(event));

  /** Whether an element of `kind` shows the slot now (`showing` false: whether one is on the page at all). */
  has(kind: ElementKind, showing = true): boolean {
    for (const listener of this.listeners) if (listener.kind === kind && (!showing || (listener.shows?.() ?? true))) return true;
    return false;
  }

  /** The listener that carries the slot's progress bar and announcements: its first pull bar, else its first inline bar. */
  voice(): SlotListener | undefined {
    let inline: SlotListener | undefined;
    for (const listener of this.listeners) {
      if (listener.kind === 'bar') return listener;
      if (listener.kind === 'inline') inline ??= listener;
    }
    return inline;
  }

  add(listener: SlotListener): void {
    this.listeners.add(listener);
    if (listener.kind !== undefined) this.peersChanged(listener);
  }

  delete(listener: SlotListener): void {
    if (this.listeners.delete(listener) && listener.kind !== undefined) this.peersChanged(listener);
  }

  /** Tells the other listeners that `changed` came, went, or changed whether it shows anything. */
  peersChanged(changed: SlotListener): void {
    for (const listener of [...this.listeners]) if (listener !== changed) listener.peers?.();
  }

  /** Takes the slot's next snapshot: listeners first (the elements' `snapshot` is current), then the events. */
  deliver(next: PullSnapshot): void {
    const previous = this.snapshot;
    this.snapshot = next;
    if (vanished(next, previous)) this.interrupted = next.job_id === null ? previous : null;
    else if (next.job_id !== null) this.interrupted = null;
    if (wordsNews(next, this.worded)) this.worded = next;
    else waitForBeat(this);
    const worded = this.worded as PullSnapshot;
    for (const listener of [...this.listeners]) listener.snapshot(next, this.interrupted, worded);
    this.#events.observe(next, previous);
  }

  /** The page's beat: the words take the newest snapshot. */
  beat(): void {
    const newest = this.snapshot;
    if (newest === undefined || newest === this.worded) return;
    this.worded = newest;
    for (const listener of [...this.listeners]) listener.words?.(newest);
  }

  /** Drops what waits for the shared timer (the connection is closing). */
  close(): void {
    this.#events.drop();
    leaveBeat(this);
    this.listeners.clear();
  }

  #speak(event: SlotPullEvent): void {
    for (const kind of ELEMENT_KINDS) {
      for (const listener of this.listeners) {
        if (listener.kind === kind && listener.target !== undefined) {
          listener.target.dispatchEvent(event);
          return;
        }
      }
    }
  }

}
