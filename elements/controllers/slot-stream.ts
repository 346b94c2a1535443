/**
 * Owns one element's subscription to the page's hub: subscribes when the
 * host connects (and again when its server or slot changes), releases when
 * it disconnects, and asks the host to update on every snapshot or
 * transport change.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { slotHub } from '../hub/hub.ts';
import { Transport } from '../hub/transport.ts';
import type { ApiProblem } from '../api.ts';
import type { PullSnapshot } from '../../wire/types.ts';

export interface SlotTarget {
  readonly base: string | null;
  readonly slot: string;
}

export interface SlotStreamCallbacks {
  /** Runs before the host updates; `previous` is undefined for the first snapshot (the baseline). */
  snapshot?(next: PullSnapshot, previous: PullSnapshot | undefined): void;
  transport?(state: Transport): void;
}

export class SlotStreamController implements ReactiveController {
  /** The slot's latest snapshot; undefined until the first frame. */
  snapshot: PullSnapshot | undefined;
  transport: Transport = Transport.connecting;
  /** While `transport` is `refused`: the server's answer (its reason and words). */
  refusal: ApiProblem | null = null;
  readonly #host: ReactiveControllerHost;
  readonly #target: () => SlotTarget;
  readonly #callbacks: SlotStreamCallbacks;
  #release: (() => void) | null = null;
  #key: string | null = null;
  #connected = false;

  constructor(host: ReactiveControllerHost, target: () => SlotTarget, callbacks: SlotStreamCallbacks = {}) {
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

  #follow(): void {
    const { base, slot } = this.#target();
    const key = base === null || slot === '' ? null : `${base} ${slot}`;
    if (key === this.#key && (key === null || this.#release !== null)) return;
    this.#unsubscribe();
    this.#key = key;
    if (base === null || key === null) return;
    let live = true;
    const release = slotHub().subscribe(base, slot, {
      snapshot: (next) => {
        if (!live) return;
        const previous = this.snapshot;
        this.snapshot = next;
        this.#callbacks.snapshot?.(next, previous);
        this.#host.requestUpdate();
      },
      transport: (state, refusal) => {
        if (!live) return;
        this.transport = state;
        this.refusal = refusal;
        this.#callbacks.transport?.(state);
        this.#host.requestUpdate();
      },
    });
    this.#release = () => {
      live = false;
      release();
    };
  }

  #unsubscribe(): void {
    this.#release?.();
    this.#release = null;
    this.#key = null;
    this.snapshot = undefined;
    this.transport = Transport.connecting;
    this.refusal = null;
  }
}
