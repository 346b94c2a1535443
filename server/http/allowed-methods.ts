/**
 * Methods per route, from the OpenAPI document (one source: what is
 * published is what is enforced) and, for the routes outside the API (the
 * dashboard page and the bundles), from a list. A known route called with a method it
 * does not take answers 405 with `Allow` and the error envelope, where it
 * would otherwise look like a missing route; `OPTIONS` answers 204 with
 * `Allow` (cross-origin preflights are access.ts's). A `HEAD` runs the GET
 * handler and then cancels the body it made, so that a stream's cleanup
 * runs: the framework drops a HEAD answer's body without cancelling it,
 * which left an SSE route's subscriptions behind on every HEAD.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, clip } from './errors.ts';

export interface AllowedMethodsOptions {
  /** An OpenAPI 3.1 document: every entry of its `paths` is a route, with its operations' methods. */
  openApi: { paths?: unknown };
  /** Routes outside the document, by exact path, with their methods (`{ '/': ['GET'] }`). */
  pages?: Readonly<Record<string, readonly string[]>>;
}

/** The operation keys of an OpenAPI path item. */
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Route {
  /** The path as the document writes it: `/api/slots/{name}/pull`. */
  template: string;
  pattern: RegExp;
  methods: ReadonlySet<string>;
  /** The `Allow` header value. */
  allow: string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/slots/{name}` → `^/api/slots/[^/]+$`: a parameter is one whole path segment. */
function routePattern(template: string): RegExp {
  return new RegExp(`^${template.split(/\{[^}/]+\}/).map(escapeRegExp).join('[^/]+')}$`);
}

function routesOf(paths: unknown): Array<[template: string, methods: string[]]> {
  if (typeof paths !== 'object' || paths === null) throw new TypeError("allowedMethods: the OpenAPI document has no 'paths' object");
  return Object.entries(paths).map(([template, item]) => [
    template,
    OPERATIONS.filter((op) => typeof item === 'object' && item !== null && op in item).map((op) => op.toUpperCase()),
  ]);
}

function route(template: string, declared: readonly string[]): Route {
  if (declared.length === 0) throw new TypeError(`allowedMethods: the path '${template}' has no method`);
  const methods = new Set(declared);
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return { template, pattern: routePattern(template), methods, allow: [...methods].join(', ') };
}

export function allowedMethods(options: AllowedMethodsOptions): MiddlewareHandler {
  const routes = [...routesOf(options.openApi.paths), ...Object.entries(options.pages ?? {})].map(([template, methods]) => route(template, methods));

  return async function allowedMethodsMiddleware(c, next) {
    const route = routes.find((candidate) => candidate.pattern.test(c.req.path));
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
