/**
 * One EventSource to one server's `/api/events` (all of its container slots),
 * shared by every element on the page that talks to that server.
 *
 * Transport rules (issue 4): an `error` while the EventSource is CONNECTING is
 * a blip — the browser reconnects by itself, the last data stays and the
 * elements say "Reconnecting…". CLOSED means the browser gave up (non-200,
 * CORS, wrong content type): back off, 1 s doubling to 30 s, and open a new
 * one. The server's first frame per slot after any (re)connect is a full
 * snapshot, so nothing is replayed here. A transport problem never becomes a
 * failed pull.
 */
import type { PullSnapshot } from '../../wire/types.ts';
import { isPullSnapshot } from './is-pull-snapshot.ts';
import { supersedes } from './snapshot-order.ts';
import { Transport } from './transport.ts';

export const BACKOFF_START_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;

export interface SlotListener {
  snapshot(snapshot: PullSnapshot): void;
  transport(state: Transport): void;
}

export class HubConnection {
  declare readonly base: string;
  readonly #listeners = new Map<string, Set<SlotListener>>();
  readonly #snapshots = new Map<string, PullSnapshot>();
  readonly #onIdle: () => void;
  #source: EventSource | null = null;
  #transport: Transport = Transport.connecting;
  #everOpened = false;
  #backoffMs = BACKOFF_START_MS;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  /** `onIdle` runs when the last listener has gone (and did not come back within the same task). */
  constructor(base: string, onIdle: () => void) {
    this.base = base;
    this.#onIdle = onIdle;
    this.#open();
  }

  /** Starts delivering one slot's snapshots; the returned function stops it (once). */
  subscribe(slot: string, listener: SlotListener): () => void {
    let set = this.#listeners.get(slot);
    if (set === undefined) this.#listeners.set(slot, (set = new Set()));
    set.add(listener);
    listener.transport(this.#transport);
    const known = this.#snapshots.get(slot);
    if (known !== undefined) listener.snapshot(known);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(slot) === set) this.#listeners.delete(slot);
      // An element moved in the DOM disconnects and reconnects in one task: keep the stream for it.
      if (this.#listeners.size === 0) queueMicrotask(() => this.#listeners.size === 0 && this.#onIdle());
    };
  }

  /** Takes a snapshot from a POST or DELETE answer, if it is news. */
  offer(snapshot: PullSnapshot, accept: (candidate: PullSnapshot, current: PullSnapshot | undefined) => boolean): void {
    if (accept(snapshot, this.#snapshots.get(snapshot.slot_name))) this.#deliver(snapshot);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#source?.close();
    this.#source = null;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#listeners.clear();
  }

  #open(): void {
    const source = new EventSource(`${this.base}/api/events`);
    this.#source = source;
    source.addEventListener('open', () => {
      this.#backoffMs = BACKOFF_START_MS;
      this.#everOpened = true;
      this.#setTransport(Transport.open);
    });
    source.addEventListener('message', (event) => this.#onMessage(event));
    source.addEventListener('error', () => {
      if (this.#source !== source) return;
      this.#setTransport(this.#everOpened ? Transport.reconnecting : Transport.unreachable);
      if (source.readyState === EventSource.CLOSED) this.#retryLater();
    });
  }

  #retryLater(): void {
    this.#source?.close();
    this.#source = null;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, BACKOFF_MAX_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#closed) this.#open();
    }, delay);
  }

  #onMessage(event: MessageEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(String(event.data));
    } catch {
      // Not JSON: not a frame of ours (CONTRACT §5 frames are one snapshot each); drop it.
      return;
    }
    if (!isPullSnapshot(data)) return;
    if (supersedes(data, this.#snapshots.get(data.slot_name))) this.#deliver(data);
  }

  #deliver(snapshot: PullSnapshot): void {
    const frozen = freeze(snapshot);
    this.#snapshots.set(frozen.slot_name, frozen);
    for (const listener of [...(this.#listeners.get(frozen.slot_name) ?? [])]) listener.snapshot(frozen);
  }

  #setTransport(state: Transport): void {
    if (state === this.#transport) return;
    this.#transport = state;
    for (const set of [...this.#listeners.values()]) for (const listener of [...set]) listener.transport(state);
  }
}

/** Snapshots are shared by every listener and handed out as event details: nobody may change them. */
function freeze(snapshot: PullSnapshot): PullSnapshot {
  for (const layer of snapshot.layers ?? []) Object.freeze(layer);
  Object.freeze(snapshot.layers);
  return Object.freeze(snapshot);
}
