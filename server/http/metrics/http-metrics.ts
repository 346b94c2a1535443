/**
 * HTTP requests by method, route and status, and how long the app took to
 * answer. The route is the template of the route table
 * (`/api/slots/{name}/pull`), whatever the method and whoever answered (a
 * refusal of access.ts or allowed-methods.ts too), and `unmatched` for any
 * other path; methods outside the standard ones are `other`: a client can
 * send any path or method token, and every label value must come from a set
 * we bound (each value is a series Prometheus keeps).
 */
import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { RouteTable } from '../route-table.ts';

export interface HttpMetricsOptions {
  registry: Registry;
  routes: RouteTable;
}

/** The route label of a path that is no route. */
export const UNMATCHED_ROUTE = 'unmatched';
/** The method label of a method that is not one of {@link METHODS}. */
export const OTHER_METHOD = 'other';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const MS_PER_S = 1000;

export function httpMetrics({ registry, routes }: HttpMetricsOptions): MiddlewareHandler {
  const registers = [registry];
  const requests = new Counter({
    name: 'slotpull_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'slotpull_http_request_duration_seconds',
    help: "Time until the app's answer was ready (for an SSE stream: its headers, not its whole life), by method and route template.",
    labelNames: ['method', 'route'],
    registers,
  });

  return async function httpMetricsMiddleware(c, next) {
    const started = performance.now();
    await next();
    const method = METHODS.has(c.req.method) ? c.req.method : OTHER_METHOD;
    const route = routes.find(c.req.path)?.template ?? UNMATCHED_ROUTE;
    requests.inc({ method, route, status: String(c.res.status) });
    duration.observe({ method, route }, (performance.now() - started) / MS_PER_S);
  };
}
