/**
 * The composition root of the HTTP side: one registry and one set of views
 * over the slots, and a Hono app serving CONTRACT §3. Runtime-neutral: the
 * Node and Deno entries only call `app.fetch`.
 */
import { Hono } from 'hono';
import type { Slot } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import { PullRegistry, type PullJobView } from '../core/registry/pull-registry.ts';
import { SlotViews } from '../core/registry/slot-views.ts';
import type { ContainerRuntime } from '../core/runtime.ts';
import { ApiError, errorResponse } from './errors.ts';
import { homePage } from './home.ts';
import { slotRoutes } from './routes/slots.ts';
import { streamRoutes } from './routes/streams.ts';
import type { Services } from './services.ts';

export interface SlotpullOptions {
  slots: readonly Slot[];
  runtime: ContainerRuntime;
  clock: Clock;
  newJobId: () => string;
  version: string;
  retainFinishedMs?: number;
  frameIntervalMs?: number;
  inspectTtlMs?: number;
  heartbeatMs?: number;
  /** One line per event worth a log (a job's end, an internal error). */
  log?: (line: string) => void;
}

export interface Slotpull {
  app: Hono;
  registry: PullRegistry;
  views: SlotViews;
  /** Cancels running pulls and drops every timer. */
  close(): void;
}

export function createSlotpull(options: SlotpullOptions): Slotpull {
  const { runtime, clock, version, log } = options;
  const registry = new PullRegistry({
    runtime,
    clock,
    newJobId: options.newJobId,
    retainFinishedMs: options.retainFinishedMs,
    frameIntervalMs: options.frameIntervalMs,
    inspectTtlMs: options.inspectTtlMs,
    onJobEnd: log === undefined ? undefined : (job) => log(describeJobEnd(job)),
  });
  const views = new SlotViews({ registry, runtime, clock, lookupTtlMs: options.inspectTtlMs });
  const services: Services = {
    slots: new Map(options.slots.map((slot) => [slot.name, slot])),
    registry,
    views,
    clock,
    version,
    heartbeatMs: options.heartbeatMs,
  };

  const app = new Hono();
  app.get('/', (c) => c.html(homePage(services.slots.values(), runtime.name)));
  app.get('/api/health', (c) => c.json({ ok: true, runtime: runtime.name, version }));
  app.route('/api', slotRoutes(services));
  app.route('/api', streamRoutes(services));
  app.notFound((c) =>
    errorResponse(c, new ApiError(404, 'route.not_found', `${c.req.method} ${c.req.path} is not a slotpull route; see docs/api.md.`)),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    log?.(`internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return errorResponse(c, new ApiError(500, 'system.internal', 'slotpull hit an internal error; the server log has the details.'));
  });

  return { app, registry, views, close: () => registry.close() };
}

function describeJobEnd(job: PullJobView): string {
  const { state, error, bytes_done } = job.progress();
  const detail = error === null ? (bytes_done === null ? '' : ` (${bytes_done} bytes)`) : `: ${error}`;
  return `pull ${job.id} of ${job.image.raw} ${state}${detail}`;
}
