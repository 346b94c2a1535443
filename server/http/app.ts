/**
 * The composition root of the HTTP side: one registry per engine, one feed
 * and one set of views over the slots, and a Hono app serving docs/api.md.
 * Runtime-neutral: the Node and Deno entries only call `app.fetch`.
 */
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import type { Health } from '../../wire/types.ts';
import type { ContainerSlot, Slot } from '../core/slot.ts';
import type { Clock } from '../core/clock.ts';
import { PullHistory } from '../core/history/pull-history.ts';
import type { ImageReference } from '../core/reference.ts';
import type { PullJobView } from '../core/registry/pull-job.ts';
import { ContainerStates } from '../core/registry/container-states.ts';
import { DEFAULT_INSPECT_TTL_MS, PullRegistry } from '../core/registry/pull-registry.ts';
import { takeUpJobs, type TakeUpOutcome } from '../core/registry/take-up-jobs.ts';
import { SlotFeed } from '../core/registry/slot-feed.ts';
import type { SlotTarget } from '../core/registry/slot-target.ts';
import { SlotViews } from '../core/registry/slot-views.ts';
import type { ContainerRuntime } from '../core/runtime.ts';
import { accessControl, type AccessOptions } from './access.ts';
import { cors } from './cors.ts';
import { allowedMethods } from './allowed-methods.ts';
import { httpMetrics } from './metrics/http-metrics.ts';
import { METRICS_PATH, metricsRoute } from './metrics/metrics-route.ts';
import { PullMetrics } from './metrics/pull-metrics.ts';
import { registerServerMetrics } from './metrics/server-metrics.ts';
import { routeTable } from './route-table.ts';
import { bodyLimit } from './body-limit.ts';
import { requestId } from './request-id.ts';
import { ApiError, clip, errorResponse } from './errors.ts';
import { DASHBOARD_BUNDLE_PATH, dashboardRoutes, homePage } from './home.ts';
import { openApiDocument } from './openapi.ts';
import { StreamSet } from '../core/sse/stream-set.ts';
import { pullRoutes } from './routes/pulls.ts';
import { slotRoutes } from './routes/slots.ts';
import { streamRoutes } from './routes/streams.ts';
import { streamTicketRoutes } from './routes/stream-ticket.ts';
import { streamTickets } from './stream-ticket.ts';
import { ELEMENTS_BUNDLE_PATH, elementRoutes, TRANSLATION_PATHS } from './routes/elements.ts';
import type { Services } from './services.ts';

export interface SlotpullOptions {
  slots: readonly Slot[];
  /** The runtime of slots that name no engine. */
  runtime: ContainerRuntime;
  /** Engines named in the slots file, by name. */
  engines?: ReadonlyMap<string, ContainerRuntime>;
  clock: Clock;
  newJobId: () => string;
  version: string;
  retainFinishedMs?: number;
  frameIntervalMs?: number;
  inspectTtlMs?: number;
  /** How often an engine's containers and images are read again while a stream is open (default 2 s). */
  watchIntervalMs?: number;
  /** Engine pulls at once per engine; further jobs queue (default 3). */
  maxConcurrentPulls?: number;
  heartbeatMs?: number;
  /** One line per event worth a log (a job's end, an internal error). */
  log?: (line: string) => void;
  /** Token, protected reads and allowed origins (docs/api.md, Access); default: open to this origin only. */
  access?: Partial<Pick<AccessOptions, 'token' | 'protectReads' | 'allowOrigins' | 'publicOrigins' | 'allowedHosts'>>;
  /** One line per refused request (its cause, never a token); the entries rate-limit it. */
  logRefusal?: (line: string) => void;
  /**
   * The pull history: every job is recorded there, `GET /api/pulls` reads it,
   * and the jobs it holds as running are taken up again at once. Default: a
   * new one in memory.
   */
  history?: PullHistory;
}

export interface Slotpull {
  app: Hono;
  /** The registry of the default runtime's pulls. */
  registry: PullRegistry;
  /** One registry per runtime: pulls are deduplicated per engine and image. */
  registries: ReadonlyMap<string | null, PullRegistry>;
  /** Each slot's current frame, and which slot changed. */
  feed: SlotFeed;
  views: SlotViews;
  /** What became of each job the history held as running: taken up again, or ended with why. */
  takenUp: readonly TakeUpOutcome[];
  /** Running and queued pulls, over every engine. */
  activePulls(): number;
  /**
   * Ends open streams, stops running pulls and drops every timer. The pulls
   * are not ended: the history holds them as running, for the next start.
   */
  close(): void;
}

export function createSlotpull(options: SlotpullOptions): Slotpull {
  const { runtime, clock, version, log } = options;
  const history = options.history ?? new PullHistory({ now: () => clock.now() });
  const runtimes = new Map<string | null, ContainerRuntime>([[null, runtime], ...(options.engines ?? [])]);
  const containerSlots = options.slots.filter((slot): slot is ContainerSlot => slot.provider === 'container');
  const targets = new Map<string | null, SlotTarget>();
  // This app's own metrics: two apps in one process (tests) never share a series.
  const metrics = new Registry();
  const pullMetrics = new PullMetrics(metrics);
  for (const [engine, engineRuntime] of runtimes) {
    const registry = new PullRegistry({
      runtime: engineRuntime,
      clock,
      newJobId: options.newJobId,
      retainFinishedMs: options.retainFinishedMs,
      frameIntervalMs: options.frameIntervalMs,
      inspectTtlMs: options.inspectTtlMs,
      maxConcurrentPulls: options.maxConcurrentPulls,
      onJobStart: (job) => pullMetrics.jobStarted(engine, job),
      onJobEnd: (job) => {
        pullMetrics.jobEnded(engine, job);
        log?.(describeJobEnd(job, engine));
      },
      recorder: history,
      engine: engine ?? undefined,
      slotsOf: (image) => slotsUsing(options.slots, engine, image),
    });
    const containers = new ContainerStates({
      runtime: engineRuntime,
      clock,
      names: containerSlots.filter((slot) => slot.engine === engine).map((slot) => slot.container),
      ttlMs: options.inspectTtlMs ?? DEFAULT_INSPECT_TTL_MS,
    });
    targets.set(engine, { registry, runtime: engineRuntime, containers });
    pullMetrics.addEngine(engine, { pulls: registry, runtime: engineRuntime });
  }
  const targetFor = (slot: ContainerSlot): SlotTarget => targets.get(slot.engine) as SlotTarget;
  const feed = new SlotFeed({ slots: containerSlots, targetFor, clock, watchIntervalMs: options.watchIntervalMs });
  const views = new SlotViews(feed);
  const openStreams = new StreamSet(clock, options.heartbeatMs);
  registerServerMetrics(metrics, { version, openStreams });
  const services: Services = {
    slots: new Map(options.slots.map((slot) => [slot.name, slot])),
    targetFor,
    views,
    feed,
    clock,
    version,
    openStreams,
    history,
  };
  const registries = new Map([...targets].map(([engine, target]) => [engine, target.registry]));
  const takenUp = takeUpJobs({
    jobs: history.activeJobs(),
    slots: options.slots,
    registryFor: (engine) => registries.get(engine),
    recorder: history,
    now: clock.now(),
  });

  const openApi = openApiDocument(version);
  // Serialized once: 14 kB of JSON per request was most of the answer's cost (issue 14's flood asked for it 5,000 times a socket).
  const openApiJson = JSON.stringify(openApi);
  const routes = routeTable({
    openApi,
    pages: {
      '/': ['GET'],
      [ELEMENTS_BUNDLE_PATH]: ['GET'],
      ...Object.fromEntries(TRANSLATION_PATHS.map((path) => [path, ['GET']])),
      [DASHBOARD_BUNDLE_PATH]: ['GET'],
      [METRICS_PATH]: ['GET'],
    },
  });
  const app = new Hono();
  const publicPaths = [ELEMENTS_BUNDLE_PATH, ...TRANSLATION_PATHS, DASHBOARD_BUNDLE_PATH];
  const allowOrigins = options.access?.allowOrigins ?? [];
  const tickets = streamTickets({ now: () => clock.now() });
  app.use('*', httpMetrics({ registry: metrics, routes }));
  app.use('*', requestId({ log }));
  // Outside every check, so that refusals and errors reach an allowed page readable.
  app.use('*', cors({ allowOrigins, publicPaths }));
  app.use('*', bodyLimit());
  app.use(
    '*',
    accessControl({
      token: options.access?.token ?? null,
      protectReads: options.access?.protectReads ?? false,
      allowOrigins,
      publicOrigins: options.access?.publicOrigins ?? [],
      allowedHosts: options.access?.allowedHosts ?? null,
      publicPaths,
      tickets,
      logRefusal: options.logRefusal,
    }),
  );
  app.use('*', allowedMethods(routes));
  app.get('/', (c) => c.html(homePage(services.slots.values(), runtime.name)));
  app.get('/api/health', (c) => {
    if (options.engines === undefined || options.engines.size === 0) return c.json({ ok: true, runtime: runtime.name, version } satisfies Health);
    // Named engines: each one's kind and whether it is known to be down.
    const engines = Object.fromEntries(
      [...options.engines].map(([name, engine]) => [name, { runtime: engine.name, unavailable: engine.unavailable?.() ?? null }]),
    );
    return c.json({ ok: true, runtime: runtime.name, version, engines } satisfies Health);
  });
  app.get('/api/openapi.json', (c) => c.body(openApiJson, 200, { 'Content-Type': 'application/json' }));
  app.get(METRICS_PATH, metricsRoute(metrics));
  app.route('/api', slotRoutes(services));
  app.route('/api', streamRoutes(services));
  app.route('/api', streamTicketRoutes(tickets));
  app.route('/api', pullRoutes(services));
  app.route('/', elementRoutes());
  app.route('/', dashboardRoutes());
  app.notFound((c) =>
    errorResponse(c, new ApiError(404, 'route.not_found', `${clip(c.req.method)} ${clip(c.req.path)} is not a slotpull route; see docs/api.md.`)),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    log?.(`internal error on ${c.req.method} ${clip(c.req.path)}: ${error.stack ?? error.message}`);
    return errorResponse(c, new ApiError(500, 'system.internal', 'slotpull hit an internal error; the server log has the details.'));
  });

  return {
    app,
    registry: (targets.get(null) as SlotTarget).registry,
    registries,
    feed,
    views,
    takenUp,
    activePulls: () => [...registries.values()].reduce((sum, registry) => sum + registry.runningPulls + registry.queuedPulls, 0),
    close: () => {
      openStreams.endAll();
      for (const registry of registries.values()) registry.close();
    },
  };
}

/** The names of the container slots that pull `image` on `engine`: the slots one job serves. */
function slotsUsing(slots: readonly Slot[], engine: string | null, image: ImageReference): string[] {
  return slots.filter((slot) => slot.provider === 'container' && slot.engine === engine && slot.image.key === image.key).map((slot) => slot.name);
}

function describeJobEnd(job: PullJobView, engine: string | null): string {
  const { state, error, bytes_done } = job.progress();
  const detail = error === null ? (bytes_done === null ? '' : ` (${bytes_done} bytes)`) : `: ${error}`;
  const where = engine === null ? '' : ` on engine "${engine}"`;
  return `pull ${job.id} of ${job.image.raw}${where} ${state}${detail}`;
}
