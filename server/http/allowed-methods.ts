/**
 * Methods per route, from the route table (route-table.ts: the OpenAPI
 * document and the pages outside it, so what is published is what is
 * enforced). A known route called with a method it does not take answers
 * 405 with `Allow` and the error envelope, where it would otherwise look
 * like a missing route; `OPTIONS` answers 204 with
 * `Allow` (cross-origin preflights are access.ts's). A `HEAD` runs the GET
 * handler and then cancels the body it made, so that a stream's cleanup
 * runs: the framework drops a HEAD answer's body without cancelling it,
 * which left an SSE route's subscriptions behind on every HEAD.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, clip } from './errors.ts';
import type { RouteTable } from './route-table.ts';

export function allowedMethods(routes: RouteTable): MiddlewareHandler {
  return async function allowedMethodsMiddleware(c, next) {
    const route = routes.find(c.req.path);
    // Not a route at all: the app's 404 answers.
    if (route === undefined) return next();
    const { method } = c.req;
    if (method === 'OPTIONS') return c.body(null, 204, { Allow: route.allow });
    if (!route.methods.has(method)) {
      const uses = [...route.methods].filter((m) => m !== 'HEAD' && m !== 'OPTIONS').join(' or ');
      throw new ApiError(
        405,
        'route.method_not_allowed',
        `${clip(method)} is not a method of ${route.template}; use ${uses}.`,
        { method: clip(method), allow: [...route.methods] },
        { Allow: route.allow },
      );
    }
    await next();
    if (method === 'HEAD' && c.res.body !== null) {
      // Nobody will read this body; cancelling it is what ends an SSE stream's subscriptions and timers.
      await c.res.body.cancel();
    }
  };
}
