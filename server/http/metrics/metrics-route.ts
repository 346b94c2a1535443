/**
 * `GET /metrics`: the app's metrics in the Prometheus text format, as
 * prom-client writes them. Access is the app's like any read: the Host
 * check, and the token under `--protect-reads`.
 */
import type { Handler } from 'hono';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

export function metricsRoute(registry: Registry): Handler {
  return async function metricsHandler(c) {
    // Every scrape reads the moment: nothing in between may keep an answer.
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  };
}
