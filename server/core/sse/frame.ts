/**
 * Server-Sent Events framing (docs/api.md, Server-Sent Events), byte-exact and pure.
 * Frames are unnamed (`data:` only): an event named `error` would collide
 * with EventSource's own error event.
 */

/** Browsers wait this long before reconnecting. */
export const RETRY_MS = 3000;

/** The first bytes of every stream: the reconnect delay and a comment. */
export function sseOpening(retryMs: number = RETRY_MS): string {
  return `retry: ${retryMs}\n: connected\n\n`;
}

/** A comment line; clients ignore it, proxies see traffic. */
export function sseComment(text: string): string {
  if (/[\r\n]/.test(text)) throw new TypeError('an SSE comment must be a single line');
  return `: ${text}\n\n`;
}

/** One message with an id; multi-line data becomes one `data:` line per line. */
export function sseMessage(id: number, data: string): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`an SSE id must be a non-negative integer, got ${id}`);
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `id: ${id}\n${lines.join('')}\n`;
}

/**
 * The largest `Last-Event-ID` a stream continues from. Any id a stream sends
 * must come back as a valid one, so the bound sits far above any id seen in
 * practice (at 500 frames a second a stream needs 570,000 years to reach it)
 * and far enough below 2^53 that ids above it stay exact integers for
 * another 450 years of frames. A larger id starts the numbering at 1 again:
 * every connection opens with complete snapshots, so nothing is missed.
 */
export const MAX_LAST_EVENT_ID = 9_000_000_000_000_000;

/** The id a reconnecting client sent, so ids keep increasing across reconnects; 0 when absent, not ours or over {@link MAX_LAST_EVENT_ID}. */
export function lastEventId(header: string | null | undefined): number {
  const digits = header?.trim();
  if (digits === undefined || !/^\d{1,16}$/.test(digits)) return 0;
  const id = Number(digits);
  return id <= MAX_LAST_EVENT_ID ? id : 0;
}
