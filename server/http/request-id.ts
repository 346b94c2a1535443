/**
 * Every answer carries an `X-Request-Id`: the client's own when it is a sane
 * one, else a fresh UUID. Every 5xx is logged with it, so a user quoting the
 * id of a failed answer (errors.ts puts it in a 5xx envelope's details) leads
 * to the server's log line.
 */
import type { MiddlewareHandler } from 'hono';
import { clip } from './errors.ts';
import { setHeader } from './set-header.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's id, as sent back in `X-Request-Id`. */
    requestId: string;
  }
}

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** An incoming id is echoed only when it matches this: short, and safe in logs and headers. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Longest path quoted in a log line. */
const MAX_LOGGED_PATH_LENGTH = 200;

export interface RequestIdOptions {
  /** Where 5xx answers are logged; nothing is logged without it. */
  log?: (line: string) => void;
  /** Makes an id when the request brings no sane one (default `crypto.randomUUID()`). */
  generate?: () => string;
}

const newRequestId = (): string => crypto.randomUUID();

/** The id of a request that sent `incoming` as its `X-Request-Id` (or none): that one when it is sane, else a fresh one. */
export function requestIdFor(incoming: string | undefined, generate: () => string = newRequestId): string {
  return incoming !== undefined && REQUEST_ID_PATTERN.test(incoming) ? incoming : generate();
}

export function requestId(options: RequestIdOptions = {}): MiddlewareHandler {
  const { log } = options;
  const generate = options.generate ?? newRequestId;

  return async function requestIdMiddleware(c, next) {
    const id = requestIdFor(c.req.header(REQUEST_ID_HEADER), generate);
    c.set('requestId', id);
    await next();
    setHeader(c, REQUEST_ID_HEADER, id);
    if (c.res.status >= 500 && log !== undefined) {
      // c.error is what the error handler turned into this answer; its stack is logged there.
      const cause = c.error === undefined ? '' : `: ${c.error.message}`;
      log(`request ${id}: ${c.req.method} ${clip(c.req.path, MAX_LOGGED_PATH_LENGTH)} answered ${c.res.status}${cause}`);
    }
  };
}
