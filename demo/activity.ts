/**
 * The activity log behind the dashboard's strip: the pull history
 * (`GET /api/pulls`, read when the dashboard starts and again after each
 * pull that ends, so a reload or a server restart still shows the last
 * pulls) merged with every job seen live on the page's hub (the one SSE
 * connection the elements share, elements/hub/). A job that serves several
 * slots (one image, one pull) is one entry naming them all.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { request } from '../elements/api.ts';
import { slotHub } from '../elements/hub/hub.ts';
import type { JobState, PullHistoryEntry, PullHistoryPage, PullSnapshot } from '../wire/types.ts';

/** Finished pulls the strip shows at most, newest first. */
export const FINISHED_SHOWN = 8;
/** How often "2 min ago" is brought up to date. */
const REFRESH_MS = 15_000;

export interface ActivityJob {
  readonly jobId: string;
  readonly image: string;
  readonly slots: readonly string[];
  readonly state: JobState;
  /** While pulling: the live percent, null while indeterminate. */
  readonly percent: number | null;
  /** Bytes per second: the live speed while pulling, the average over the pull once it ended. */
  readonly speedBps: number | null;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number | null;
  /** Server restarts the pull was taken up again after. */
  readonly serverRestarts: number;
}

/** Average speed of a finished job, or null when it moved no bytes or has no times. */
export function averageSpeed(snapshot: PullSnapshot): number | null {
  if (snapshot.bytes_done === null || snapshot.bytes_done <= 0) return null;
  if (snapshot.started_at === null || snapshot.finished_at === null) return null;
  const seconds = (Date.parse(snapshot.finished_at) - Date.parse(snapshot.started_at)) / 1000;
  return seconds > 0 ? snapshot.bytes_done / seconds : null;
}

/** A job seen live: its newest snapshot, and the slots it was seen for. */
function fromSnapshot(snapshot: PullSnapshot, slots: ReadonlySet<string>): ActivityJob {
  const pulling = snapshot.state === 'pulling';
  return {
    jobId: snapshot.job_id as string,
    image: snapshot.image,
    slots: [...slots].sort(),
    state: snapshot.state as JobState,
    percent: snapshot.percent,
    speedBps: pulling ? snapshot.speed_bps : averageSpeed(snapshot),
    startedAt: Date.parse(snapshot.started_at ?? '') || 0,
    finishedAt: snapshot.finished_at === null ? null : Date.parse(snapshot.finished_at),
    serverRestarts: snapshot.server_restarts,
  };
}

function fromHistory(entry: PullHistoryEntry): ActivityJob {
  return {
    jobId: entry.job_id,
    image: entry.image,
    slots: [...entry.slots].sort(),
    state: entry.state,
    percent: null,
    speedBps: entry.speed_bps,
    startedAt: Date.parse(entry.started_at),
    finishedAt: entry.finished_at === null ? null : Date.parse(entry.finished_at),
    serverRestarts: entry.server_restarts,
  };
}

export class ActivityController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  /** By job id: the slots it serves and the newest snapshot. */
  readonly #live = new Map<string, { slots: Set<string>; snapshot: PullSnapshot }>();
  /** The history's newest pulls, as last read. */
  #history: readonly PullHistoryEntry[] = [];
  #historyRead: AbortController | null = null;
  #releases: (() => void)[] = [];
  #base: string | null = null;
  #key = '';
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Follows these slots of the server at `base`, and reads its history (again only when they change). */
  follow(base: string, slots: readonly string[]): void {
    const key = `${base} ${slots.join(',')}`;
    if (key === this.#key) return;
    this.#release();
    this.#key = key;
    this.#base = base;
    this.#releases = slots.map((slot) =>
      slotHub().subscribe(base, slot, { snapshot: (s) => this.#record(s), transport: () => {} }),
    );
    this.#readHistory();
  }

  /** Jobs in flight (oldest first), then the last {@link FINISHED_SHOWN} finished (newest first). */
  get jobs(): readonly ActivityJob[] {
    const byId = new Map<string, ActivityJob>();
    for (const entry of this.#history) byId.set(entry.job_id, fromHistory(entry));
    for (const [jobId, { slots, snapshot }] of this.#live) {
      // The live snapshot is the newer word; the history knows every slot of the job, also those the page does not show.
      const known = byId.get(jobId);
      byId.set(jobId, fromSnapshot(snapshot, new Set([...slots, ...(known?.slots ?? [])])));
    }
    const all = [...byId.values()];
    const running = all.filter((job) => job.state === 'pulling').sort((a, b) => a.startedAt - b.startedAt);
    const finished = all
      .filter((job) => job.state !== 'pulling')
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))
      .slice(0, FINISHED_SHOWN);
    return [...running, ...finished];
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
    // A job this slot was pulling and that vanished without an end (the server lost it): not in flight any more.
    for (const [jobId, job] of this.#live) {
      if (jobId !== snapshot.job_id && job.snapshot.state === 'pulling' && job.slots.has(snapshot.slot_name)) this.#live.delete(jobId);
    }
    // A no-job snapshot (present/missing/unknown): nothing runs.
    if (snapshot.job_id !== null) {
      const known = this.#live.get(snapshot.job_id);
      if (known === undefined) {
        this.#live.set(snapshot.job_id, { slots: new Set([snapshot.slot_name]), snapshot });
      } else {
        known.slots.add(snapshot.slot_name);
        const ended = known.snapshot.state === 'pulling' && snapshot.state !== 'pulling';
        known.snapshot = snapshot;
        if (ended) this.#readHistory();
      }
    }
    this.#host.requestUpdate();
  }

  /** The newest pulls of the history; a server that will not say (an old one, or reads behind a token) leaves the live jobs alone. */
  #readHistory(): void {
    const base = this.#base;
    if (base === null) return;
    this.#historyRead?.abort();
    const read = new AbortController();
    this.#historyRead = read;
    request<PullHistoryPage>('GET', base, `${base}/api/pulls?limit=${FINISHED_SHOWN * 2}`, read.signal).then(
      (page) => {
        if (read.signal.aborted) return;
        this.#history = page.jobs;
        this.#host.requestUpdate();
      },
      () => {
        // Not shown: the strip keeps what the live connection says.
      },
    );
  }

  #release(): void {
    for (const release of this.#releases) release();
    this.#releases = [];
    this.#historyRead?.abort();
    this.#historyRead = null;
    this.#key = '';
  }
}
