/**
 * One engine pull from start to end: the engine's output, through the
 * parser for its format, into the job's progress tracker. Beside it, the
 * image's layer plan is read from its registry (exact sizes before the
 * engine reports a byte); after the output ends, the engine is asked once
 * whether the image is there before the pull counts as completed. Whatever
 * goes wrong becomes the tracker's state; nothing is thrown.
 */
import type { Clock } from '../clock.ts';
import { createPullParser } from '../parse/parser.ts';
import type { PullProgress } from '../progress/aggregate.ts';
import type { ImageReference } from '../reference.ts';
import type { ContainerRuntime } from '../runtime.ts';
import type { LayerPlan, ProgressEvent } from '../types.ts';

export interface PullLoopOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  image: ImageReference;
  /** Aborts the engine's pull (a cancel), the plan's read and the closing inspect. */
  signal: AbortSignal;
  tracker: PullProgress;
  /** Called after each batch of events the tracker took while pulling (its state may have just ended). */
  onProgress: () => void;
}

export async function runPull(options: PullLoopOptions): Promise<void> {
  const { runtime, clock, image, signal, tracker, onProgress } = options;
  const applyAll = (events: ProgressEvent[]): void => {
    if (events.length === 0 || tracker.state !== 'pulling') return;
    const now = clock.now();
    for (const event of events) tracker.apply(event, now);
    onProgress();
  };
  // The plan's read ends with the pull, whichever ends first: no request outlives it.
  const planRead = new AbortController();
  const planSignal = AbortSignal.any([signal, planRead.signal]);
  void readPlan(runtime, image, planSignal).then((plan) => {
    if (plan !== null && !planSignal.aborted) applyAll([{ kind: 'plan', plan }]);
  });
  try {
    const output = runtime.pullImage(image, signal);
    const parser = createPullParser(output.format);
    for await (const chunk of output.chunks) {
      applyAll(parser.push(chunk));
      // An error line or a cancel ends the pull: the rest of the output is not read.
      if (tracker.state !== 'pulling') break;
    }
    applyAll(parser.flush());
    if (tracker.state === 'pulling') await confirmImage(runtime, image, signal, tracker, clock);
  } catch (error) {
    if (tracker.state === 'pulling') tracker.fail(error instanceof Error ? error.message : String(error), clock.now());
  } finally {
    planRead.abort();
  }
}

/** The runtime's plan, or null when it has none (no reader, the registry can't be read: the runtime logs why). */
function readPlan(runtime: ContainerRuntime, image: ImageReference, signal: AbortSignal): Promise<LayerPlan | null> {
  if (runtime.readLayerPlan === undefined) return Promise.resolve(null);
  // The port says it never rejects; a runtime that does anyway leaves the engine's numbers alone, as a null does.
  return runtime.readLayerPlan(image, signal).catch(() => null);
}

/**
 * The engine's output ended without an error: the pull completed only if
 * the engine now has the image. An engine that ends a stream of garbage, a
 * cut line or invalid UTF-8 without the image is a failed pull.
 */
async function confirmImage(runtime: ContainerRuntime, image: ImageReference, signal: AbortSignal, tracker: PullProgress, clock: Clock): Promise<void> {
  let presence: 'present' | 'missing';
  try {
    presence = await runtime.inspectImage(image, signal);
  } catch (error) {
    if (tracker.state !== 'pulling') return;
    const why = error instanceof Error ? error.message : String(error);
    tracker.fail(
      `the engine ended the pull without error, but the image ${image.explicit} could not be confirmed (${why}); look at the image's status, or pull again`,
      clock.now(),
      'pull.engine_error',
    );
    return;
  }
  if (tracker.state !== 'pulling') return;
  if (presence === 'present') {
    tracker.streamEnded(clock.now());
    return;
  }
  const lines = tracker.unparsedLines;
  const unread = lines === 0 ? '' : ` (${lines} ${lines === 1 ? 'line' : 'lines'} of its answer could not be read)`;
  tracker.fail(
    `the engine ended the pull without error but has no image ${image.explicit}${unread}; pull again or look at the engine's log`,
    clock.now(),
    'pull.engine_error',
  );
}
