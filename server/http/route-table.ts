/**
 * The routes of the app, from the OpenAPI document (one source: what is
 * published is what is enforced) and, for the routes outside the API (the
 * dashboard page, the bundles, /metrics), from a list: each route's template
 * and methods, and which one a path is. allowed-methods.ts answers from it,
 * and the HTTP metrics label a request with its route's template, never the
 * raw path.
 */

export interface RouteTableOptions {
  /** An OpenAPI 3.1 document: every entry of its `paths` is a route, with its operations' methods. */
  openApi: { paths?: unknown };
  /** Routes outside the document, by exact path, with their methods (`{ '/': ['GET'] }`). */
  pages?: Readonly<Record<string, readonly string[]>>;
}

export interface Route {
  /** The path as the document writes it: `/api/slots/{name}/pull`. */
  template: string;
  /** Its methods, with HEAD beside GET and OPTIONS on every route. */
  methods: ReadonlySet<string>;
  /** The `Allow` header value. */
  allow: string;
}

export interface RouteTable {
  /** The route a path belongs to, whatever the method; undefined when it is none. */
  find(path: string): Route | undefined;
}

/** The operation keys of an OpenAPI path item. */
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/slots/{name}` → `^/api/slots/[^/]+$`: a parameter is one whole path segment. */
function routePattern(template: string): RegExp {
  return new RegExp(`^${template.split(/\{[^}/]+\}/).map(escapeRegExp).join('[^/]+')}$`);
}

function routesOf(paths: unknown): Array<[template: string, methods: string[]]> {
  if (typeof paths !== 'object' || paths === null) throw new TypeError("routeTable: the OpenAPI document has no 'paths' object");
  return Object.entries(paths).map(([template, item]) => [
    template,
    OPERATIONS.filter((op) => typeof item === 'object' && item !== null && op in item).map((op) => op.toUpperCase()),
  ]);
}

function route(template: string, declared: readonly string[]): Route & { pattern: RegExp } {
  if (declared.length === 0) throw new TypeError(`routeTable: the path '${template}' has no method`);
  const methods = new Set(declared);
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return { template, pattern: routePattern(template), methods, allow: [...methods].join(', ') };
}

export function routeTable(options: RouteTableOptions): RouteTable {
  const routes = [...routesOf(options.openApi.paths), ...Object.entries(options.pages ?? {})].map(([template, methods]) => route(template, methods));
  return { find: (path) => routes.find((candidate) => candidate.pattern.test(path)) };
}
