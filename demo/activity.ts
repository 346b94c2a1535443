/**
 * The activity log behind the dashboard's strip: every pull job seen on the
 * page's hub (the one SSE connection the elements share, elements/hub/), in
 * flight or finished within the last minutes, with its speed. A job that
 * serves several slots (one image, one pull) is one entry naming them all.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { slotHub } from '../elements/hub/hub.ts';
import type { PullSnapshot } from '../wire/types.ts';

/** How long a finished job stays in the strip: the server keeps it 10 minutes (--keep-finished) too. */
export const FINISHED_WINDOW_MS = 10 * 60_000;
/** How often "2 min ago" is brought up to date and old jobs leave. */
const REFRESH_MS = 15_000;

export interface ActivityJob {
  readonly jobId: string;
  readonly image: string;
  readonly slots: readonly string[];
  readonly snapshot: PullSnapshot;
  /** Bytes per second: the live speed while pulling, the average over the pull once it ended. */
  readonly speedBps: number | null;
}

/** Average speed of a finished job, or null when it moved no bytes or has no times. */
export function averageSpeed(snapshot: PullSnapshot): number | null {
  if (snapshot.bytes_done === null || snapshot.bytes_done <= 0) return null;
  if (snapshot.started_at === null || snapshot.finished_at === null) return null;
  const seconds = (Date.parse(snapshot.finished_at) - Date.parse(snapshot.started_at)) / 1000;
  return seconds > 0 ? snapshot.bytes_done / seconds : null;
}

export class ActivityController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #onJobEnd: (snapshot: PullSnapshot) => void;
  /** By job id: the slots it serves and the newest snapshot. */
  readonly #jobs = new Map<string, { slots: Set<string>; snapshot: PullSnapshot }>();
  #releases: (() => void)[] = [];
  #key = '';
  #timer: ReturnType<typeof setInterval> | null = null;

  /** `onJobEnd` runs once per job that ends while the page watches (not for jobs that ended before). */
  constructor(host: ReactiveControllerHost, onJobEnd: (snapshot: PullSnapshot) => void = () => {}) {
    this.#host = host;
    this.#onJobEnd = onJobEnd;
    host.addController(this);
  }

  /** Follows these slots of the server at `base` (again only when they change). */
  follow(base: string, slots: readonly string[]): void {
    const key = `${base} ${slots.join(',')}`;
    if (key === this.#key) return;
    this.#release();
    this.#key = key;
    this.#releases = slots.map((slot) =>
      slotHub().subscribe(base, slot, { snapshot: (s) => this.#record(s), transport: () => {} }),
    );
  }

  /** Jobs in flight (oldest first), then those finished within the window (newest first). */
  get jobs(): readonly ActivityJob[] {
    const now = Date.now();
    const entries = [...this.#jobs.entries()].map(([jobId, { slots, snapshot }]) => ({
      jobId,
      image: snapshot.image,
      slots: [...slots].sort(),
      snapshot,
      speedBps: snapshot.state === 'pulling' ? snapshot.speed_bps : averageSpeed(snapshot),
    }));
    const running = entries.filter((job) => job.snapshot.state === 'pulling');
    const finished = entries.filter(
      (job) => job.snapshot.state !== 'pulling' && now - Date.parse(job.snapshot.finished_at ?? '') < FINISHED_WINDOW_MS,
    );
    const started = (job: ActivityJob): number => Date.parse(job.snapshot.started_at ?? '') || 0;
    const ended = (job: ActivityJob): number => Date.parse(job.snapshot.finished_at ?? '') || 0;
    return [...running.sort((a, b) => started(a) - started(b)), ...finished.sort((a, b) => ended(b) - ended(a))];
  }

  hostConnected(): void {
    this.#timer ??= setInterval(() => this.#host.requestUpdate(), REFRESH_MS);
  }

  hostDisconnected(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#release();
  }

  #record(snapshot: PullSnapshot): void {
    if (snapshot.job_id === null) return; // a no-job snapshot (present/missing/unknown): nothing ran
    const known = this.#jobs.get(snapshot.job_id);
    if (known === undefined) {
      this.#jobs.set(snapshot.job_id, { slots: new Set([snapshot.slot_name]), snapshot });
    } else {
      known.slots.add(snapshot.slot_name);
      const ended = known.snapshot.state === 'pulling' && snapshot.state !== 'pulling';
      known.snapshot = snapshot;
      if (ended) this.#onJobEnd(snapshot);
    }
    this.#host.requestUpdate();
  }

  #release(): void {
    for (const release of this.#releases) release();
    this.#releases = [];
    this.#key = '';
  }
}
