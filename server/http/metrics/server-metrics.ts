/**
 * The server's own gauges: which version runs, and how many SSE clients are
 * connected (the open streams, read at each scrape).
 */
import { Gauge, type Registry } from 'prom-client';

export interface ServerMetricsOptions {
  version: string;
  /** The open SSE streams: one per connected client. */
  openStreams: { readonly size: number };
}

export function registerServerMetrics(registry: Registry, { version, openStreams }: ServerMetricsOptions): void {
  const registers = [registry];
  new Gauge({ name: 'slotpull_build_info', help: 'Always 1; its label says which slotpull version runs.', labelNames: ['version'], registers }).set({ version }, 1);
  new Gauge({
    name: 'slotpull_sse_clients',
    help: 'SSE streams open now (/api/events and the pull streams).',
    registers,
    collect() {
      this.set(openStreams.size);
    },
  });
}
