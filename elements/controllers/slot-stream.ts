/**
 * Owns one element's subscription to the page's hub: subscribes when the
 * host connects (and again when its server or slot changes), releases when
 * it disconnects, and asks the host to update on a snapshot, the page's
 * beat for words, a transport change, or another element of the slot coming
 * or going. A snapshot that only moves the pull on (percent, bytes, speed…)
 * updates no host: its numbers reach the screen as words at the next beat,
 * and the pull bar draws its fill itself (issue 15: 100 bars at 5 frames a
 * second re-rendered 500 times a second for a fill).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { slotHub, type ElementKind, type SlotListener } from '../hub/hub.ts';
import { Transport } from '../hub/transport.ts';
import type { ApiProblem } from '../api.ts';
import type { PullSnapshot } from '../../wire/types.ts';
import { onlyMoved } from './only-moved.ts';

export interface SlotTarget {
  readonly base: string | null;
  readonly slot: string;
}

export interface SlotStreamCallbacks {
  /** Runs for every snapshot, before the host updates (if it does); `previous` is undefined for the first snapshot (the baseline). */
  snapshot?(next: PullSnapshot, previous: PullSnapshot | undefined): void;
  transport?(state: Transport): void;
  /**
   * What element the host is, asked when it subscribes: the hub counts the
   * slot's elements by kind, and dispatches the slot's events on one of them
   * (the host). Undefined: the host only reads.
   */
  kind?(): ElementKind | undefined;
  /** Whether the host shows anything now (for its peers; default: yes). */
  shows?(): boolean;
}

export class SlotStreamController implements ReactiveController {
  /** The slot's latest snapshot; undefined until the first frame. */
  snapshot: PullSnapshot | undefined;
  /** The last snapshot of a pull that vanished without an end, until another job shows up. */
  interrupted: PullSnapshot | null = null;
  /** The snapshot the words are told from, shared by every element of the page (see SlotChannel.worded). */
  worded: PullSnapshot | undefined;
  transport: Transport = Transport.connecting;
  readonly #host: ReactiveControllerHost & EventTarget;
  /** While `transport` is `refused`: the server's answer (its reason and words). */
  refusal: ApiProblem | null = null;
  readonly #target: () => SlotTarget;
  readonly #callbacks: SlotStreamCallbacks;
  #release: (() => void) | null = null;
  /** The subscription's listener and where it is, while subscribed. */
  #subscribed: { base: string; slot: string; listener: SlotListener } | null = null;
  #key: string | null = null;
  #connected = false;

  constructor(host: ReactiveControllerHost & EventTarget, target: () => SlotTarget, callbacks: SlotStreamCallbacks = {}) {
    this.#host = host;
    this.#target = target;
    this.#callbacks = callbacks;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#follow();
  }

  /** Follows a changed `slot-name` or `base-url`. */
  hostUpdate(): void {
    // Lit also runs an update that was pending when the host left the DOM: subscribing then would leak.
    if (this.#connected) this.#follow();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe();
  }

  /** Whether an element of `kind` shows the slot on this page now (`showing` false: is on it at all). */
  has(kind: ElementKind, showing?: boolean): boolean {
    const { base, slot } = this.#target();
    return base !== null && slotHub().has(base, slot, kind, showing);
  }

  /** Whether the host is its slot's voice on this page: the one element with the slot's progress bar and announcements. */
  voices(): boolean {
    const subscribed = this.#subscribed;
    return subscribed !== null && slotHub().voices(subscribed.base, subscribed.slot, subscribed.listener);
  }

  /** The host changed whether it shows anything: the slot's other elements look again. */
  showsChanged(): void {
    const subscribed = this.#subscribed;
    if (subscribed !== null) slotHub().changed(subscribed.base, subscribed.slot, subscribed.listener);
  }

  #follow(): void {
    const { base, slot } = this.#target();
    const key = base === null || slot === '' ? null : `${base} ${slot}`;
    if (key === this.#key && (key === null || this.#release !== null)) return;
    this.#unsubscribe();
    this.#key = key;
    if (base === null || key === null) return;
    let live = true;
    const update = (): void => {
      if (live) this.#host.requestUpdate();
    };
    const listener: SlotListener = {
      snapshot: (next, interrupted, worded) => {
        if (!live) return;
        const previous = this.snapshot;
        const moved = previous !== undefined && interrupted === this.interrupted && worded === this.worded && onlyMoved(previous, next);
        this.snapshot = next;
        this.interrupted = interrupted;
        this.worded = worded;
        this.#callbacks.snapshot?.(next, previous);
        if (!moved) update();
      },
      words: (worded) => {
        if (!live) return;
        this.worded = worded;
        update();
      },
      transport: (state, refusal) => {
        if (!live) return;
        this.transport = state;
        this.refusal = refusal;
        this.#callbacks.transport?.(state);
        update();
      },
      kind: this.#callbacks.kind?.(),
      target: this.#host,
      shows: this.#callbacks.shows,
      peers: update,
    };
    const release = slotHub().subscribe(base, slot, listener);
    this.#subscribed = { base, slot, listener };
    this.#release = () => {
      live = false;
      release();
    };
  }

  #unsubscribe(): void {
    this.#release?.();
    this.#release = null;
    this.#subscribed = null;
    this.#key = null;
    this.snapshot = undefined;
    this.interrupted = null;
    this.worded = undefined;
    this.transport = Transport.connecting;
    this.refusal = null;
  }
}
