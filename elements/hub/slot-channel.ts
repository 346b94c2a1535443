/**
 * One slot of one server as the page's hub holds it: its latest snapshot, a
 * pull that vanished without an end, the listeners that show the slot, and
 * its `slot-pull-*` events. The hub knows which elements show the slot
 * (by kind), so they can share the work: the banner shows a pull inline only
 * where no pull bar shows it, the bar leaves a problem to a banner. Events
 * are computed here once per change and dispatched on one element of the
 * slot — its pull bar, else its banner, else its chip —, so a listener on
 * `document` hears each change once, however many elements show the slot.
 */
import type { ApiProblem } from '../api.ts';
import type { SlotPullEvent } from '../events/slot-pull-event.ts';
import type { PullSnapshot } from '../../wire/types.ts';
import { PullEvents, vanished } from './pull-events.ts';
import type { Transport } from './transport.ts';

/** The elements a slot may have, in the order in which they speak for it. */
export const ELEMENT_KINDS = ['bar', 'banner', 'status'] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

export interface SlotListener {
  /** Every snapshot of the slot; `interrupted` is the last snapshot of a pull that vanished, until another job shows up. */
  snapshot(snapshot: PullSnapshot, interrupted: PullSnapshot | null): void;
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

export class SlotChannel {
  snapshot: PullSnapshot | undefined;
  /** The last snapshot of a pull that vanished (a server that lost it), until a job shows up again. */
  interrupted: PullSnapshot | null = null;
  readonly listeners = new Set<SlotListener>();
  readonly #events = new PullEvents((event) => this.#speak(event));

  /** Whether an element of `kind` shows the slot now. */
  has(kind: ElementKind): boolean {
    for (const listener of this.listeners) if (listener.kind === kind && (listener.shows?.() ?? true)) return true;
    return false;
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
    for (const listener of [...this.listeners]) listener.snapshot(next, this.interrupted);
    this.#events.observe(next, previous);
  }

  /** Drops what waits for the shared timer (the connection is closing). */
  close(): void {
    this.#events.drop();
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
