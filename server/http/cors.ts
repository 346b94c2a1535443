/**
 * CORS for the origins allowed with `--allow-origin`: preflights answered,
 * and every answer to them readable by the page — refusals and errors too,
 * so a page can tell a missing token from a missing slot. It runs outside
 * the access checks (access.ts): an error thrown there has become the
 * answer by the time this adds its headers. Credentials are allowed, so a
 * page behind a proxy that logs its users in with a cookie can send it
 * (`credentials: 'include'`); slotpull itself reads no cookie.
 *
 * An origin that is not allowed gets no CORS, except on the refusal that
 * says so (403, `origin_not_allowed`): a page can read that it must be
 * allowed, and nothing else.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, clip } from './errors.ts';
import { setHeader } from './set-header.ts';

export interface CorsOptions {
  /** Origins whose pages may call the API (`--allow-origin`). */
  allowOrigins: readonly string[];
  /** Paths that set their own CORS (the public bundles: any origin). */
  publicPaths?: readonly string[];
}

/** How long a browser may cache a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;

export function cors(options: CorsOptions): MiddlewareHandler {
  const allowed = new Set(options.allowOrigins);
  const publicPaths = new Set(options.publicPaths ?? []);

  return async function corsMiddleware(c, next) {
    if (publicPaths.has(c.req.path)) return next();
    const origin = c.req.header('Origin');
    const isAllowed = origin !== undefined && allowed.has(origin);
    if (isAllowed && c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method') !== undefined) {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
        Vary: 'Origin',
      });
    }
    await next();
    // Which origin may read an answer depends on the request's Origin: caches must keep them apart.
    setHeader(c, 'Vary', 'Origin', 'append');
    if (origin === undefined) return;
    if (isAllowed) {
      setHeader(c, 'Access-Control-Allow-Origin', origin);
      setHeader(c, 'Access-Control-Allow-Credentials', 'true');
    } else if (c.error instanceof ApiError && c.error.details.reason === 'origin_not_allowed' && clip(origin) === origin) {
      // A header that quotes a request is clipped like any echo (errors.ts); no browser sends an origin that long.
      setHeader(c, 'Access-Control-Allow-Origin', origin);
    }
  };
}
