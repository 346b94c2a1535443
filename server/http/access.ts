/**
 * Who may do what (CONTRACT §7), on every route but the public bundles: the
 * Host check against DNS rebinding, CORS for the allowed origins, a 403 for
 * a POST or DELETE from any other origin (or, without an Origin, one that
 * Fetch Metadata marks cross-site) before anything runs — no pull is started
 * by a form on some other site — and a bearer token for writes, and for
 * reads with `protectReads` (the dashboard page too), where the SSE routes
 * also accept `?access_token=` because EventSource cannot send headers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError, clip } from './errors.ts';

export interface AccessOptions {
  /** Required as `Authorization: Bearer <token>`; null leaves the API open. */
  token: string | null;
  protectReads: boolean;
  /** Origins allowed to call from a browser (CORS). The server's own origin always is. */
  allowOrigins: readonly string[];
  /**
   * Host names the API answers to; null for any. A server on loopback answers
   * only to loopback names, so a page that rebinds its own DNS name to
   * 127.0.0.1 cannot pass as same-origin.
   */
  allowedHosts?: readonly string[] | null;
  /** Paths served to anyone, whatever the Host, origin or token: public code (the bundles). */
  publicPaths?: readonly string[];
}

/** The names a loopback server answers to. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** How long a browser may cache a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;
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
  const allowed = new Set(options.allowOrigins);
  const expected = options.token === null ? null : digest(options.token);
  const hosts = options.allowedHosts === undefined || options.allowedHosts === null ? null : new Set(options.allowedHosts);
  const publicPaths = new Set(options.publicPaths ?? []);

  return async function accessControlMiddleware(c, next) {
    if (publicPaths.has(c.req.path)) return next();
    // Deno builds the URL from the Host header as sent: `Host: a b` makes one no parser takes.
    if (!URL.canParse(c.req.url)) throw badHost();
    const url = new URL(c.req.url);
    if (hosts !== null) checkHost(c.req.header('Host'), url.hostname, hosts);
    const origin = c.req.header('Origin');
    const crossOrigin = origin !== undefined && origin !== url.origin;
    const allowedOrigin = origin !== undefined && allowed.has(origin);
    const unsafe = UNSAFE_METHODS.has(c.req.method);

    if (c.req.method === 'OPTIONS' && crossOrigin) {
      if (!allowedOrigin) throw forbiddenOrigin(origin);
      return preflight(c, origin);
    }
    if (crossOrigin && !allowedOrigin && unsafe) throw forbiddenOrigin(origin);
    const fetchSite = c.req.header('Sec-Fetch-Site');
    if (unsafe && origin === undefined && fetchSite !== undefined && OTHER_SITES.has(fetchSite)) {
      throw new ApiError(
        403,
        'auth.forbidden',
        `A ${fetchSite} request (Sec-Fetch-Site) with no Origin may not change anything; send it from this server's page or an --allow-origin one.`,
        { sec_fetch_site: fetchSite },
      );
    }
    if (expected !== null && (unsafe || options.protectReads)) {
      await checkToken(c, expected);
    }
    await next();
    if (allowedOrigin) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.append('Vary', 'Origin');
    }
  };
}

function preflight(c: Context, origin: string): Response {
  return c.body(null, 204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, DELETE',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
    'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
    Vary: 'Origin',
  });
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
  throw new ApiError(403, 'auth.forbidden', `This server answers only to ${[...hosts].join(', ')}; start it with --host to serve other names.`, {
    host: clip(header ?? urlHost),
  });
}

function forbiddenOrigin(origin: string): ApiError {
  const quoted = clip(origin);
  return new ApiError(403, 'auth.forbidden', `Requests from ${quoted} are not allowed; start slotpull with --allow-origin ${quoted} to allow them.`, {
    origin: quoted,
  });
}

async function checkToken(c: Context, expected: Promise<Uint8Array>): Promise<void> {
  const header = c.req.header('Authorization');
  const bearer = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const fromQuery = SSE_PATH.test(c.req.path) ? c.req.query('access_token') : undefined;
  const presented = bearer ?? fromQuery;
  if (presented === undefined) {
    throw new ApiError(401, 'auth.required', 'This server needs a token: send Authorization: Bearer <token> (or ?access_token= on the SSE routes).');
  }
  if (!sameBytes(await digest(presented), await expected)) {
    throw new ApiError(403, 'auth.forbidden', 'The token is not the one this server was started with.');
  }
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
