/**
 * Stream tickets: short-lived credentials for opening an event stream, so a
 * page never puts the server's token in a URL (EventSource cannot send
 * headers). A page that holds the token asks `POST /api/stream-ticket` with
 * it and opens the stream with `?ticket=`.
 *
 * Stateless: a ticket is its expiry and an HMAC-SHA256 of it under a key
 * made at random when the process starts, so no ticket is remembered (a
 * client minting thousands grows nothing) and none survives a restart.
 * `v1.<expiry, Unix seconds>.<signature, base64url>`; only the two SSE routes
 * take one, and only to open a stream: an open stream outlives its ticket.
 */

/** How long a ticket opens streams: enough for the request that follows, little for a URL that leaked into a log. */
export const STREAM_TICKET_TTL_S = 60;

const VERSION = 'v1';
const TICKET_PATTERN = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;

export type TicketVerdict = 'valid' | 'expired' | 'invalid';

export interface IssuedTicket {
  ticket: string;
  expires_in_s: number;
}

export interface StreamTickets {
  issue(): Promise<IssuedTicket>;
  check(ticket: string): Promise<TicketVerdict>;
}

export interface StreamTicketOptions {
  /** Milliseconds since the epoch (the app's clock). */
  now: () => number;
  /** Default {@link STREAM_TICKET_TTL_S}. */
  ttlS?: number;
}

export function streamTickets(options: StreamTicketOptions): StreamTickets {
  const ttlS = options.ttlS ?? STREAM_TICKET_TTL_S;
  if (!Number.isSafeInteger(ttlS) || ttlS < 1) throw new RangeError(`'ttlS' must be a positive integer, got ${ttlS}`);
  // Made on first use, never exported: a ticket is worth nothing to another process or after a restart.
  let key: Promise<CryptoKey> | null = null;
  const signingKey = (): Promise<CryptoKey> => (key ??= crypto.subtle.generateKey({ ...HMAC, length: 256 }, false, ['sign', 'verify']));
  const nowS = (): number => Math.floor(options.now() / 1000);

  return {
    async issue() {
      const payload = `${VERSION}.${nowS() + ttlS}`;
      const signature = new Uint8Array(await crypto.subtle.sign(HMAC, await signingKey(), encode(payload)));
      return { ticket: `${payload}.${base64url(signature)}`, expires_in_s: ttlS };
    },
    async check(ticket) {
      const match = TICKET_PATTERN.exec(ticket);
      if (match === null) return 'invalid';
      const [, expiry, signature] = match as unknown as [string, string, string];
      // crypto.subtle.verify compares in constant time.
      if (!(await crypto.subtle.verify(HMAC, await signingKey(), fromBase64url(signature), encode(`${VERSION}.${expiry}`)))) return 'invalid';
      return Number(expiry) >= nowS() ? 'valid' : 'expired';
    },
  };
}

const encode = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
