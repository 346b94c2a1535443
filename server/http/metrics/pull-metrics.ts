/**
 * The pull metrics of one app: jobs started and finished, bytes pulled and
 * how long pulls took, told by each registry's job hooks; the queue, the
 * running pulls and whether each engine is up, read from the registries at
 * each scrape. Every series carries the engine's name from the slots file
 * ({@link DEFAULT_ENGINE} for the server's own runtime).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PullJobView } from '../../core/registry/pull-job.ts';
import type { PullRegistry } from '../../core/registry/pull-registry.ts';
import type { ContainerRuntime } from '../../core/runtime.ts';
import type { JobState } from '../../core/types.ts';

/** The engine label of the server's own runtime: parenthesised, so no slots-file engine name (`^[a-z0-9]…`) can take it. */
export const DEFAULT_ENGINE = '(default)';

/** How a job ends: the `result` label. */
const RESULTS = ['completed', 'failed', 'cancelled'] as const satisfies readonly Exclude<JobState, 'pulling'>[];

/** From a layer that is already there to an hour-long pull of a large model image. */
const PULL_DURATION_BUCKETS_S = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

const MS_PER_S = 1000;

/** What the gauges read of an engine at each scrape. */
export interface MeteredEngine {
  pulls: Pick<PullRegistry, 'queuedPulls' | 'runningPulls'>;
  runtime: Pick<ContainerRuntime, 'unavailable'>;
}

/** A running job and the bytes of it counted so far. */
interface Running {
  engine: string;
  counted: number;
}

export class PullMetrics {
  readonly #engines = new Map<string, MeteredEngine>();
  readonly #running = new Map<PullJobView, Running>();
  readonly #started: Counter<'engine'>;
  readonly #finished: Counter<'engine' | 'result'>;
  readonly #bytes: Counter<'engine'>;
  readonly #duration: Histogram<'engine' | 'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const engines = this.#engines;
    const running = this.#running;
    this.#started = new Counter({ name: 'slotpull_pulls_started_total', help: 'Pull jobs started (a POST that joins a running job starts none).', labelNames: ['engine'], registers });
    this.#finished = new Counter({
      name: 'slotpull_pulls_finished_total',
      help: 'Pull jobs finished, by result: completed, failed or cancelled.',
      labelNames: ['engine', 'result'],
      registers,
    });
    const addBytes = (entry: Running, bytesDone: number | null): void => this.#addBytes(entry, bytesDone);
    this.#bytes = new Counter({
      name: 'slotpull_pull_bytes_total',
      help: 'Bytes downloaded by pulls, as their progress counts them; running pulls are counted up to each scrape.',
      labelNames: ['engine'],
      registers,
      collect() {
        for (const [job, entry] of running) addBytes(entry, job.progress().bytes_done);
      },
    });
    this.#duration = new Histogram({
      name: 'slotpull_pull_duration_seconds',
      help: 'How long pull jobs took, from the start (queued time included) to the end, by result.',
      labelNames: ['engine', 'result'],
      buckets: PULL_DURATION_BUCKETS_S,
      registers,
    });
    new Gauge({
      name: 'slotpull_pull_queue_length',
      help: 'Pull jobs waiting for a free engine pull (--max-pulls per engine).',
      labelNames: ['engine'],
      registers,
      collect() {
        for (const [engine, { pulls }] of engines) this.set({ engine }, pulls.queuedPulls);
      },
    });
    new Gauge({
      name: 'slotpull_pulls_running',
      help: 'Engine pulls running now.',
      labelNames: ['engine'],
      registers,
      collect() {
        for (const [engine, { pulls }] of engines) this.set({ engine }, pulls.runningPulls);
      },
    });
    new Gauge({
      name: 'slotpull_engine_up',
      help: '1 unless the engine is known to be unreachable or too slow to answer (the unavailable of /api/health), then 0.',
      labelNames: ['engine'],
      registers,
      collect() {
        for (const [engine, { runtime }] of engines) this.set({ engine }, (runtime.unavailable?.() ?? null) === null ? 1 : 0);
      },
    });
  }

  /**
   * Shows an engine's queue, running pulls and state; `name` null is the
   * server's own runtime. Its counters start at 0 with every result: a series
   * that appears at 1 is one increase() and rate() never see.
   */
  addEngine(name: string | null, metered: MeteredEngine): void {
    const engine = engineLabel(name);
    this.#engines.set(engine, metered);
    this.#started.inc({ engine }, 0);
    this.#bytes.inc({ engine }, 0);
    for (const result of RESULTS) {
      this.#finished.inc({ engine, result }, 0);
      this.#duration.zero({ engine, result });
    }
  }

  /** A registry's onJobStart. */
  jobStarted(name: string | null, job: PullJobView): void {
    const engine = engineLabel(name);
    this.#started.inc({ engine });
    this.#running.set(job, { engine, counted: 0 });
  }

  /** A registry's onJobEnd: the job's last bytes, its result and how long it took. */
  jobEnded(name: string | null, job: PullJobView): void {
    const engine = engineLabel(name);
    const entry = this.#running.get(job);
    this.#running.delete(job);
    const { state, bytes_done, started_at, finished_at } = job.progress();
    if (entry !== undefined) this.#addBytes(entry, bytes_done);
    this.#finished.inc({ engine, result: state });
    if (started_at !== null && finished_at !== null) {
      this.#duration.observe({ engine, result: state }, (Date.parse(finished_at) - Date.parse(started_at)) / MS_PER_S);
    }
  }

  /** Only growth is counted: a progress that goes back (a layer downloaded again) never makes the counter go down. */
  #addBytes(entry: Running, bytesDone: number | null): void {
    if (bytesDone === null || bytesDone <= entry.counted) return;
    this.#bytes.inc({ engine: entry.engine }, bytesDone - entry.counted);
    entry.counted = bytesDone;
  }
}

function engineLabel(name: string | null): string {
  return name ?? DEFAULT_ENGINE;
}
