/**
 * Turns a slot's snapshots into the `slot-pull-*` events on the host
 * (docs/elements.md). The first snapshot is the baseline and fires nothing; after
 * it, each event describes a change seen while connected. Progress events
 * are throttled to PROGRESS_INTERVAL_MS with a trailing call (on the page's
 * shared timer), so the newest state of a burst always arrives; an end of the
 * pull drops a pending one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SlotPullCancelledEvent } from '../events/slot-pull-cancelled.ts';
import { SlotPullCompleteEvent } from '../events/slot-pull-complete.ts';
import { SlotPullFailedEvent } from '../events/slot-pull-failed.ts';
import { SlotPullProgressEvent } from '../events/slot-pull-progress.ts';
import { SlotPullStartEvent } from '../events/slot-pull-start.ts';
import type { SlotPullEvent } from '../events/slot-pull-event.ts';
import type { PullSnapshot, PullState } from '../../wire/types.ts';
import { cancelRun, runAt } from './shared-timer.ts';

/** At most 4 `slot-pull-progress` a second. */
export const PROGRESS_INTERVAL_MS = 250;

/** The event for each way a job ends (present/missing/unknown only come without a job). */
const ENDED: Partial<Record<PullState, new (snapshot: PullSnapshot) => SlotPullEvent>> = {
  completed: SlotPullCompleteEvent,
  failed: SlotPullFailedEvent,
  cancelled: SlotPullCancelledEvent,
};

export class PullEventsController implements ReactiveController {
  readonly #host: ReactiveControllerHost & EventTarget;
  #lastProgressAt = -Infinity;
  /** The newest snapshot not yet sent, while its event waits for the interval to pass. */
  #pending: PullSnapshot | null = null;

  constructor(host: ReactiveControllerHost & EventTarget) {
    this.#host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#dropPending();
  }

  /** Call with every snapshot the host receives. */
  observe(next: PullSnapshot, previous: PullSnapshot | undefined): void {
    if (previous === undefined) return;
    const newJob = next.job_id !== null && next.job_id !== previous.job_id;
    if (next.state === 'pulling') {
      if (newJob) {
        this.#dropPending();
        this.#host.dispatchEvent(new SlotPullStartEvent(next));
      } else if (previous.state === 'pulling') {
        this.#progress(next);
      }
      return;
    }
    if (next.job_id === null || (!newJob && previous.state === next.state)) return;
    this.#dropPending();
    const Ended = ENDED[next.state];
    if (Ended !== undefined) this.#host.dispatchEvent(new Ended(next));
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
    this.#lastProgressAt = performance.now();
    this.#host.dispatchEvent(new SlotPullProgressEvent(snapshot));
  }

  #dropPending(): void {
    cancelRun(this.#emitPending);
    this.#pending = null;
  }
}
