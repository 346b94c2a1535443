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
 *
 * Authentication (issue 13): with a token from configureServer(), each
 * EventSource opens with a fresh ticket (`POST /api/stream-ticket`), never
 * the token; it is then this connection, not the browser, that reconnects
 * after any error, since the URL's ticket may have expired. An EventSource
 * cannot read why it failed: when one never opened or was refused, one
 * request to the same URL learns it (`refused`, with the server's reason),
 * or that nothing answers (`unreachable`).
 */
import type { PullSnapshot } from '../../wire/types.ts';
import { ApiProblem, send, ServerUnreachable, streamTicket } from '../api.ts';
import { isPullSnapshot } from './is-pull-snapshot.ts';
import { hasToken, optionsFor } from './server-options.ts';
import { SlotChannel, type ElementKind, type SlotListener } from './slot-channel.ts';
import { supersedes } from './snapshot-order.ts';
import { Transport } from './transport.ts';

export type { ElementKind, SlotListener } from './slot-channel.ts';

export const BACKOFF_START_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;

/** Reasons that mean "ask for a new ticket", not a refusal to show. */
const STALE_TICKET = new Set(['ticket_expired', 'ticket_invalid']);

export class HubConnection {
  declare readonly base: string;
  /** Every slot the server has sent, and every slot subscribed to. */
  readonly #channels = new Map<string, SlotChannel>();
  /** Subscriptions over all slots: the connection is idle at 0. */
  #subscriptions = 0;
  readonly #onIdle: () => void;
  #source: EventSource | null = null;
  #transport: Transport = Transport.connecting;
  #refusal: ApiProblem | null = null;
  #everOpened = false;
  /** Aborts the current attempt's requests (ticket, diagnosis) when a newer one starts or the connection closes. */
  #attempt: AbortController | null = null;
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
    const channel = this.#channel(slot);
    this.#subscriptions += 1;
    channel.add(listener);
    listener.transport(this.#transport, this.#refusal);
    if (channel.snapshot !== undefined) listener.snapshot(channel.snapshot, channel.interrupted, channel.worded as PullSnapshot);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#subscriptions -= 1;
      channel.delete(listener);
      // An element moved in the DOM disconnects and reconnects in one task: keep the stream for it.
      if (this.#subscriptions === 0) queueMicrotask(() => this.#subscriptions === 0 && this.#onIdle());
    };
  }

  /** Whether an element of `kind` shows the slot on this page now (`showing` false: is on it at all). */
  has(slot: string, kind: ElementKind, showing?: boolean): boolean {
    return this.#channels.get(slot)?.has(kind, showing) ?? false;
  }

  /** Whether `listener` is the slot's voice: it carries the slot's progress bar and announcements. */
  voices(slot: string, listener: SlotListener): boolean {
    return this.#channels.get(slot)?.voice() === listener;
  }

  /** `listener` changed whether it shows anything: the slot's other elements look again. */
  changed(slot: string, listener: SlotListener): void {
    this.#channels.get(slot)?.peersChanged(listener);
  }

  /** Takes a snapshot from a POST or DELETE answer, if it is news. */
  offer(snapshot: PullSnapshot, accept: (candidate: PullSnapshot, current: PullSnapshot | undefined) => boolean): void {
    if (accept(snapshot, this.#channels.get(snapshot.slot_name)?.snapshot)) this.#deliver(snapshot);
  }

  /** Opens again at once, with the options configureServer() now has for this server. */
  restart(): void {
    if (this.#closed) return;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#backoffMs = BACKOFF_START_MS;
    this.#setTransport(this.#everOpened ? Transport.reconnecting : Transport.connecting);
    this.#open();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#attempt?.abort();
    this.#source?.close();
    this.#source = null;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    for (const channel of this.#channels.values()) channel.close();
    this.#channels.clear();
  }

  #open(): void {
    this.#attempt?.abort();
    this.#source?.close();
    this.#source = null;
    const attempt = new AbortController();
    this.#attempt = attempt;
    void this.#connect(attempt.signal);
  }

  async #connect(signal: AbortSignal): Promise<void> {
    const options = optionsFor(this.base);
    let url = `${this.base}/api/events`;
    const ticketed = hasToken(options);
    if (ticketed) {
      try {
        url += `?ticket=${encodeURIComponent((await streamTicket(this.base, signal)).ticket)}`;
      } catch (error) {
        if (!signal.aborted) this.#failed(error);
        return;
      }
      if (signal.aborted) return;
    }
    const source = new EventSource(url, { withCredentials: options?.credentials === 'include' });
    this.#source = source;
    source.addEventListener('open', () => {
      this.#backoffMs = BACKOFF_START_MS;
      this.#everOpened = true;
      this.#setTransport(Transport.open);
    });
    source.addEventListener('message', (event) => this.#onMessage(event));
    source.addEventListener('error', () => {
      if (this.#source !== source) return;
      const refused = source.readyState === EventSource.CLOSED;
      if (!refused && !ticketed) {
        // A network error: the browser reconnects by itself with the same URL.
        this.#setTransport(this.#everOpened ? Transport.reconnecting : Transport.unreachable);
        return;
      }
      source.close();
      this.#source = null;
      if (refused) void this.#diagnose(url, signal);
      else this.#failed(null); // its ticket may have expired by the time the browser would retry: a new one
    });
  }

  /** One request to the stream's URL says why it was refused (an EventSource cannot read a status). */
  async #diagnose(url: string, signal: AbortSignal): Promise<void> {
    try {
      // It may answer now: then the stream it opened is not wanted, and the next attempt comes soon.
      await (await send('GET', this.base, url, signal, false)).body?.cancel();
    } catch (error) {
      if (!signal.aborted) this.#failed(error);
      return;
    }
    if (!signal.aborted) this.#failed(null);
  }

  /** After a failed attempt: say why (a refusal, silence, or nothing new) and try again later. */
  #failed(error: unknown): void {
    // A 5xx is the server's trouble, not a refusal: it passes like a network blip.
    if (error instanceof ApiProblem && error.status < 500 && !STALE_TICKET.has(error.reason ?? '')) this.#setTransport(Transport.refused, error);
    else if (this.#everOpened) this.#setTransport(Transport.reconnecting);
    else if (error instanceof ServerUnreachable) this.#setTransport(Transport.unreachable);
    this.#retryLater();
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
      // Not JSON: not a frame of ours (docs/api.md, Server-Sent Events: one snapshot per frame); drop it.
      return;
    }
    if (!isPullSnapshot(data)) return;
    if (supersedes(data, this.#channels.get(data.slot_name)?.snapshot)) this.#deliver(data);
  }

  #deliver(snapshot: PullSnapshot): void {
    this.#channel(snapshot.slot_name).deliver(freeze(snapshot));
  }

  #channel(slot: string): SlotChannel {
    let channel = this.#channels.get(slot);
    if (channel === undefined) this.#channels.set(slot, (channel = new SlotChannel()));
    return channel;
  }

  #setTransport(state: Transport, refusal: ApiProblem | null = null): void {
    if (state === this.#transport && refusal?.message === this.#refusal?.message) return;
    this.#transport = state;
    this.#refusal = refusal;
    for (const channel of [...this.#channels.values()]) for (const listener of [...channel.listeners]) listener.transport(state, refusal);
  }
}

/** Snapshots are shared by every listener and handed out as event details: nobody may change them. */
function freeze(snapshot: PullSnapshot): PullSnapshot {
  for (const layer of snapshot.layers ?? []) Object.freeze(layer);
  Object.freeze(snapshot.layers);
  Object.freeze(snapshot.shared_with);
  return Object.freeze(snapshot);
}
