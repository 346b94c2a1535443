/**
 * A slot's snapshots → its `slot-pull-*` events, once per change for the
 * whole page (the hub keeps one of these per slot and server). The first
 * snapshot is the baseline and fires nothing. A new job's first frame fires
 * `slot-pull-start`; its progress frames fire `slot-pull-progress`, throttled
 * to PROGRESS_INTERVAL_MS with a trailing call (on the page's shared timer:
 * the progress of every pull falls due together); the end of a job fires
 * its ending's event at once, and drops a pending progress event. A job that
 * vanished while pulling (see `vanished`) fires `slot-pull-interrupted`.
 */
import { SlotPullCancelledEvent } from '../events/slot-pull-cancelled.ts';
import { SlotPullCompleteEvent } from '../events/slot-pull-complete.ts';
import type { SlotPullEvent } from '../events/slot-pull-event.ts';
import { SlotPullFailedEvent } from '../events/slot-pull-failed.ts';
import { SlotPullInterruptedEvent } from '../events/slot-pull-interrupted.ts';
import { SlotPullProgressEvent } from '../events/slot-pull-progress.ts';
import { SlotPullStartEvent } from '../events/slot-pull-start.ts';
import type { PullSnapshot, PullState } from '../../wire/types.ts';
import { cancelRun, runAt } from '../controllers/shared-timer.ts';

/** At most 4 `slot-pull-progress` a second. */
export const PROGRESS_INTERVAL_MS = 250;

/** The event for each way a job ends (present/missing/unknown only come without a job). */
const ENDED: Partial<Record<PullState, new (snapshot: PullSnapshot) => SlotPullEvent>> = {
  completed: SlotPullCompleteEvent,
  failed: SlotPullFailedEvent,
  cancelled: SlotPullCancelledEvent,
};

/**
 * Whether `previous`'s job vanished without an end: it was pulling, and the
 * next snapshot has no job or another one (a server that restarted and lost
 * it, or a job that is gone). Its end never came; it is not "not pulled yet".
 */
export const vanished = (next: PullSnapshot, previous: PullSnapshot | undefined): previous is PullSnapshot =>
  previous?.state === 'pulling' && next.job_id !== previous.job_id;

export class PullEvents {
  /** Sends an event from the slot's element that speaks for it (none: the event is dropped). */
  readonly #dispatch: (event: SlotPullEvent) => void;
  #lastProgressAt = -Infinity;
  /** The newest snapshot not yet sent, while its event waits for the interval to pass. */
  #pending: PullSnapshot | null = null;

  constructor(dispatch: (event: SlotPullEvent) => void) {
    this.#dispatch = dispatch;
  }

  /** Call with every snapshot of the slot; `previous` undefined marks the baseline. */
  observe(next: PullSnapshot, previous: PullSnapshot | undefined): void {
    if (previous === undefined) return;
    if (vanished(next, previous)) {
      this.drop();
      this.#dispatch(new SlotPullInterruptedEvent(previous));
    }
    const newJob = next.job_id !== null && next.job_id !== previous.job_id;
    if (next.state === 'pulling') {
      if (newJob) {
        this.drop();
        this.#dispatch(new SlotPullStartEvent(next));
      } else if (previous.state === 'pulling') {
        this.#progress(next);
      }
      return;
    }
    if (next.job_id === null || (!newJob && previous.state === next.state)) return;
    this.drop();
    const Ended = ENDED[next.state];
    if (Ended !== undefined) this.#dispatch(new Ended(next));
  }

  /** Forgets a pending progress event. */
  drop(): void {
    cancelRun(this.#emitPending);
    this.#pending = null;
  }

  #progress(snapshot: PullSnapshot): void {
    const at = this.#lastProgressAt + PROGRESS_INTERVAL_MS;
    if (this.#pending === null && at <= performance.now()) {
      this.#emitProgress(snapshot);
      return;
    }
    if (this.#pending === null) runAt(this.#emitPending, at);
    this.#pending = snapshot;
  }

  /** Sends the held snapshot's event; the page's shared timer calls it once the interval has passed. */
  readonly #emitPending = (): void => {
    const pending = this.#pending as PullSnapshot;
    this.#pending = null;
    this.#emitProgress(pending);
  };

  #emitProgress(snapshot: PullSnapshot): void {
    const event = new SlotPullProgressEvent(snapshot);
    // Counted from the event's own time (performance.now()'s clock), so two events' timeStamps are never closer than the interval, however long making one took.
    this.#lastProgressAt = event.timeStamp;
    this.#dispatch(event);
  }
}
