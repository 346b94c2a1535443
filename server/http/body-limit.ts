/**
 * No slotpull route reads a request body: a body on POST or DELETE is
 * ignored, never read or buffered. One that announces more than a small
 * limit is refused at once with 413, from its `Content-Length` alone (the
 * body itself is not waited for). A chunked body announces no length; it is
 * not read either, and the Node adapter discards what the client still sends
 * after the answer (for a bounded time, then it closes the connection).
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, clip } from './errors.ts';

/** Default cap on a declared body: room for any small JSON a client might habitually send, nothing more. */
export const MAX_IGNORED_BODY_BYTES = 4096;

export interface BodyLimitOptions {
  /** Largest `Content-Length` accepted (default {@link MAX_IGNORED_BODY_BYTES}). */
  maxBytes?: number;
}

const DECIMAL = /^\d+$/;

export function bodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler {
  const maxBytes = options.maxBytes ?? MAX_IGNORED_BODY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`'maxBytes' must be a non-negative integer, got ${maxBytes}`);
  }

  return async function bodyLimitMiddleware(c, next) {
    const declared = c.req.header('Content-Length')?.trim();
    // A malformed length never gets this far on Node (its parser answers 400); elsewhere it is simply not trusted.
    if (declared !== undefined && DECIMAL.test(declared) && Number(declared) > maxBytes) {
      throw new ApiError(
        413,
        'validation.too_large',
        `slotpull reads no request body, and this one is ${clip(declared)} bytes; send at most ${maxBytes} bytes, or none.`,
        { field: 'body', limit: maxBytes },
      );
    }
    await next();
  };
}
