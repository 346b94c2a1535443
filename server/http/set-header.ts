/** Setting a header on the answer after the route made it. */
import type { Context } from 'hono';

/**
 * Sets (or appends to) a header of `c.res`, copying a Response whose headers
 * are immutable (one from fetch) first.
 */
export function setHeader(c: Context, name: string, value: string, how: 'set' | 'append' = 'set'): void {
  try {
    c.res.headers[how](name, value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    c.res = new Response(c.res.body, c.res);
    c.res.headers[how](name, value);
  }
}
