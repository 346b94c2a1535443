/**
 * After a restart, every job the history holds as running or queued is taken
 * up again by itself, on its engine and with its id (so a browser that
 * reconnects with Last-Event-ID simply goes on). A job whose engine, slot or
 * image has left the slots file, or whose engine is now of another kind,
 * ends with an error that says why, rather than silently.
 */
import type { ActiveJob } from '../history/record.ts';
import { parseImageReference, type ImageReference } from '../reference.ts';
import type { Slot } from '../slot.ts';
import type { PullJobView } from './pull-job.ts';
import type { PullRecorder } from './pull-recorder.ts';
import type { PullRegistry } from './pull-registry.ts';

/** What a named engine that has not answered yet calls itself: its kind is not known, so it is not compared. */
const UNKNOWN_RUNTIME = 'unknown';

export interface TakeUpOptions {
  /** The history's running and queued jobs, in the order they started. */
  jobs: readonly ActiveJob[];
  /** The slots file as it is now. */
  slots: readonly Slot[];
  /** The registry of an engine (null: the server's own runtime); undefined when the slots file names no such engine. */
  registryFor: (engine: string | null) => PullRegistry | undefined;
  /** Where a job that cannot be taken up again is ended. */
  recorder: PullRecorder;
  now: number;
}

/** What became of one job, for the log. */
export type TakeUpOutcome = { kind: 'resumed'; job: ActiveJob; view: PullJobView } | { kind: 'ended'; job: ActiveJob; error: string };

export function takeUpJobs({ jobs, slots, registryFor, recorder, now }: TakeUpOptions): TakeUpOutcome[] {
  return jobs.map((job): TakeUpOutcome => {
    const target = placeOf(job, slots, registryFor);
    const view =
      typeof target === 'string'
        ? undefined
        : target.registry.resume({ id: job.id, image: target.image, startedAt: job.started_at, percent: job.progress?.percent ?? null, serverRestarts: job.resumes });
    if (view !== undefined) return { kind: 'resumed', job, view };
    const why = typeof target === 'string' ? target : `another pull of ${job.image} was taken up in its place`;
    const error = `slotpull restarted and did not take this pull up again: ${why}`;
    recorder.finish({
      id: job.id,
      state: 'failed',
      error_code: 'pull.interrupted',
      error,
      finished_at: now,
      bytes_done: job.progress?.bytes_done ?? null,
      bytes_total: job.progress?.bytes_total ?? null,
    });
    return { kind: 'ended', job, error };
  });
}

/** The registry and the slots file's image a job goes on with, or why it cannot. */
function placeOf(
  job: ActiveJob,
  slots: readonly Slot[],
  registryFor: (engine: string | null) => PullRegistry | undefined,
): { registry: PullRegistry; image: ImageReference } | string {
  const engine = job.engine ?? null;
  const registry = registryFor(engine);
  if (registry === undefined) return `its engine "${engine}" is no longer in the slots file`;
  const now = registry.runtimeName;
  if (now !== job.runtime && now !== UNKNOWN_RUNTIME && job.runtime !== UNKNOWN_RUNTIME) {
    return `it ran on ${job.runtime}${onEngine(engine)}, which is ${now} now`;
  }
  let key: string;
  try {
    key = parseImageReference(job.image).key;
  } catch (error) {
    return (error as Error).message;
  }
  const slot = slots.find((candidate) => candidate.provider === 'container' && candidate.engine === engine && candidate.image.key === key);
  if (slot === undefined || slot.provider !== 'container') {
    return `no slot in the slots file uses ${job.image}${onEngine(engine)} any more (it was pulled for ${job.slots.join(', ') || 'no slot'})`;
  }
  return { registry, image: slot.image };
}

/** The outcome as a log line. */
export function describeTakeUp(outcome: TakeUpOutcome): string {
  const { job } = outcome;
  const where = onEngine(job.engine ?? null);
  if (outcome.kind === 'ended') return `pull ${job.id} of ${job.image}${where} failed: ${outcome.error}`;
  const from = job.progress?.percent == null ? '' : ` from ${job.progress.percent}%`;
  return `pull ${job.id} of ${job.image}${where} taken up again after a restart${from}`;
}

function onEngine(engine: string | null): string {
  return engine === null ? '' : ` on engine "${engine}"`;
}
