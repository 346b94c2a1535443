/**
 * Who may do what (docs/api.md, Access), on every route but the public bundles: the
 * Host check against DNS rebinding, a 403 for any request from an origin
 * that is not allowed (for a POST or DELETE, before anything runs: no pull is
 * started by a form on some other site) and for a POST or DELETE with no
 * Origin that Fetch Metadata marks cross-site, and a bearer token for
 * writes, and for reads with `protectReads` (the dashboard page too). The SSE
 * routes also take `?ticket=` (stream-ticket.ts) and `?access_token=`,
 * because EventSource cannot send headers.
 *
 * Every refusal names its cause in `details.reason` (AUTH_REFUSAL_REASONS)
 * and in words that say what to do, and is handed to `onRefusal` (the
 * server's log). CORS is cors.ts's, outside this.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthRefusalReason } from '../../wire/values.ts';
import { ApiError, clip } from './errors.ts';
import type { StreamTickets } from './stream-ticket.ts';

export interface AccessOptions {
  /** Required as `Authorization: Bearer <token>`; null leaves the API open. */
  token: string | null;
  protectReads: boolean;
  /** Origins allowed to call from a browser (CORS). The server's own origin always is. */
  allowOrigins: readonly string[];
  /**
   * Origins the server is reached at through a proxy (`--public-url`): a page
   * there is the server's own, though the server sees another origin.
   */
  publicOrigins?: readonly string[];
  /**
   * Host names the API answers to; null for any. A server on loopback answers
   * only to loopback names (and its public URLs' names), so a page that
   * rebinds its own DNS name to 127.0.0.1 cannot pass as same-origin.
   */
  allowedHosts?: readonly string[] | null;
  /** Paths served to anyone, whatever the Host, origin or token: public code (the bundles). */
  publicPaths?: readonly string[];
  /** Checks the `?ticket=` of an event stream; without it, tickets are not taken. */
  tickets?: StreamTickets;
  /** Gets one line per refusal, naming the request and its cause (the server's log; rate-limit it there). No token or query is in it. */
  logRefusal?: (line: string) => void;
}

/** The names a loopback server answers to. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'] as const;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SSE_PATH = /^\/api\/(?:slots\/[^/]+\/pull\/stream|events)$/;
/** `Sec-Fetch-Site` values of a request some other site's page made. */
const OTHER_SITES = new Set(['cross-site', 'same-site']);
/** A Host header: a name or a bracketed IPv6 address, and an optional port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/** The lower-case name of a `Host` header value, without its port; null when it is no host. */
export function hostName(header: string): string | null {
  return HOST_HEADER.exec(header)?.[1]?.toLowerCase() ?? null;
}

export function accessControl(options: AccessOptions): MiddlewareHandler {
  const allowed = new Set([...options.allowOrigins, ...(options.publicOrigins ?? [])]);
  const expected = options.token === null ? null : digest(options.token);
  const hosts = options.allowedHosts === undefined || options.allowedHosts === null ? null : new Set(options.allowedHosts);
  const publicPaths = new Set(options.publicPaths ?? []);

  async function check(c: Context): Promise<void> {
    // Deno builds the URL from the Host header as sent: `Host: a b` makes one no parser takes.
    if (!URL.canParse(c.req.url)) throw badHost();
    const url = new URL(c.req.url);
    if (hosts !== null) checkHost(c.req.header('Host'), url.hostname, hosts);
    const origin = c.req.header('Origin');
    const unsafe = UNSAFE_METHODS.has(c.req.method);
    if (origin !== undefined && origin !== url.origin && !allowed.has(origin)) throw forbiddenOrigin(origin, options.allowOrigins);
    const fetchSite = c.req.header('Sec-Fetch-Site');
    if (unsafe && origin === undefined && fetchSite !== undefined && OTHER_SITES.has(fetchSite)) {
      throw refusal(
        403,
        'cross_site_request',
        `A ${fetchSite} request (Sec-Fetch-Site) with no Origin may not change anything; send it from this server's page or an --allow-origin one.`,
        { sec_fetch_site: fetchSite },
      );
    }
    if (expected !== null && (unsafe || options.protectReads)) {
      await checkCredential(c, expected, options.tickets);
    }
  }

  return async function accessControlMiddleware(c, next) {
    if (publicPaths.has(c.req.path)) return next();
    try {
      await check(c);
    } catch (error) {
      if (error instanceof ApiError) options.logRefusal?.(refusalLine(c, error));
      throw error;
    }
    await next();
  };
}

/** `request <id>: refused GET /api/events from http://a.example (403 origin_not_allowed): <the message>`. */
function refusalLine(c: Context, error: ApiError): string {
  const origin = c.req.header('Origin');
  const from = origin === undefined ? '' : ` from ${clip(origin)}`;
  const cause = typeof error.details.reason === 'string' ? error.details.reason : error.code;
  return `request ${c.get('requestId')}: refused ${clip(c.req.method)} ${clip(c.req.path)}${from} (${error.status} ${cause}): ${error.message}`;
}

/** An `auth.required` (401) or `auth.forbidden` (403) answer naming its cause. */
function refusal(status: 401 | 403, reason: AuthRefusalReason, message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(status, status === 401 ? 'auth.required' : 'auth.forbidden', message, { reason, ...details });
}

/** A request whose Host header is missing, empty or no host: it cannot name this server. */
export function badHost(): ApiError {
  return new ApiError(400, 'validation.invalid', "The Host header is missing, empty or not a host[:port]; send the server's own, e.g. Host: 127.0.0.1:8080.", {
    field: 'Host',
  });
}

/**
 * Every name the request gives for this server must be allowed: the Host
 * header's (what a browser sends; empty or malformed is no name) and the
 * URL's, which an absolute-form request target sets apart from the header.
 * A request with no Host header at all (HTTP/1.0, or `app.request()`) has
 * only the URL's.
 */
function checkHost(header: string | undefined, urlHost: string, hosts: ReadonlySet<string>): void {
  const names = header === undefined ? [urlHost] : [hostName(header), urlHost];
  if (names.every((name) => name !== null && hosts.has(name))) return;
  const host = clip(header ?? urlHost);
  throw refusal(
    403,
    'host_not_allowed',
    `This server answers only to ${[...hosts].join(', ')}, not to "${host}" (a guard against DNS rebinding). ` +
      `If a proxy forwards that name, start slotpull with --public-url and the URL pages use, e.g. --public-url https://${hostName(host) ?? 'dash.example'}; ` +
      `or have the proxy send Host: 127.0.0.1.`,
    { host },
  );
}

function forbiddenOrigin(origin: string, allowOrigins: readonly string[]): ApiError {
  const quoted = clip(origin);
  if (origin === 'null') {
    return refusal(403, 'origin_not_allowed', 'Requests from pages with no origin (Origin: null: a file:// page or a sandboxed frame) are not allowed; serve the page over http(s) and allow its origin with --allow-origin.', {
      origin: quoted,
    });
  }
  const alias = loopbackAlias(origin, allowOrigins);
  const hint = alias === null ? '' : ` (${alias} is allowed, but to a browser ${quoted} is another origin)`;
  return refusal(403, 'origin_not_allowed', `Requests from ${quoted} are not allowed${hint}; start slotpull with --allow-origin ${quoted} to allow them.`, {
    origin: quoted,
  });
}

/** An allowed origin that differs from `origin` only by another loopback name (localhost for 127.0.0.1): the usual slip. */
function loopbackAlias(origin: string, allowOrigins: readonly string[]): string | null {
  const loopback = new Set<string>(LOOPBACK_HOSTS);
  const asUrl = (text: string): URL | null => (URL.canParse(text) ? new URL(text) : null);
  const asked = asUrl(origin);
  if (asked === null || !loopback.has(asked.hostname)) return null;
  const found = allowOrigins.find((allowed) => {
    const url = asUrl(allowed);
    return url !== null && loopback.has(url.hostname) && url.protocol === asked.protocol && url.port === asked.port;
  });
  return found ?? null;
}

/** The bearer token, or on an SSE route `?ticket=` or `?access_token=`. */
async function checkCredential(c: Context, expected: Promise<Uint8Array>, tickets: StreamTickets | undefined): Promise<void> {
  const header = c.req.header('Authorization');
  const bearer = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const stream = SSE_PATH.test(c.req.path);
  const presented = bearer ?? (stream ? c.req.query('access_token') : undefined);
  const ticket = stream ? c.req.query('ticket') : undefined;
  if (presented === undefined && ticket !== undefined && tickets !== undefined) return checkTicket(ticket, tickets);
  if (presented === undefined) {
    throw refusal(
      401,
      'token_missing',
      'This server needs a token: send Authorization: Bearer <token>. A page gives it to the elements with configureServer(); ' +
        'an event stream opens with ?ticket= from POST /api/stream-ticket (or ?access_token= from a script).',
    );
  }
  if (!sameBytes(await digest(presented), await expected)) {
    throw refusal(403, 'token_wrong', 'The token is not the one this server was started with (--token or SLOTPULL_TOKEN); send that one.');
  }
}

async function checkTicket(ticket: string, tickets: StreamTickets): Promise<void> {
  const verdict = await tickets.check(ticket);
  if (verdict === 'valid') return;
  if (verdict === 'expired') {
    throw refusal(401, 'ticket_expired', 'This stream ticket has expired; ask POST /api/stream-ticket for a new one and open the stream at once.');
  }
  throw refusal(403, 'ticket_invalid', 'This stream ticket was not made by this server process (it restarts with a new key); ask POST /api/stream-ticket for a new one.');
}

/** Hashing first gives equal lengths, so the comparison below leaks nothing about the token. */
async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Constant time: every byte is compared whatever the first difference. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] ?? 0);
  return difference === 0;
}
