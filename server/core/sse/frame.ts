/**
 * Server-Sent Events framing (CONTRACT §5), byte-exact and pure.
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

/** The id a reconnecting client sent, so ids keep increasing across reconnects; 0 when absent or not ours. */
export function lastEventId(header: string | null | undefined): number {
  if (header === null || header === undefined || !/^\d{1,15}$/.test(header.trim())) return 0;
  return Number(header.trim());
}
