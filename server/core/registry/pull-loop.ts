/**
 * One engine pull from start to end: the engine's output, through the
 * parser for its format, into the job's progress tracker. Whatever goes
 * wrong becomes the tracker's state; nothing is thrown.
 */
import type { Clock } from '../clock.ts';
import { createPullParser } from '../parse/parser.ts';
import type { PullProgress } from '../progress/aggregate.ts';
import type { ImageReference } from '../reference.ts';
import type { ContainerRuntime } from '../runtime.ts';
import type { ProgressEvent } from '../types.ts';

export interface PullLoopOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  image: ImageReference;
  /** Aborts the engine's pull (a cancel). */
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
  try {
    const output = runtime.pullImage(image, signal);
    const parser = createPullParser(output.format);
    for await (const chunk of output.chunks) {
      applyAll(parser.push(chunk));
      // An error line or a cancel ends the pull: the rest of the output is not read.
      if (tracker.state !== 'pulling') break;
    }
    applyAll(parser.flush());
    if (tracker.state === 'pulling') tracker.streamEnded(clock.now());
  } catch (error) {
    if (tracker.state === 'pulling') tracker.fail(error instanceof Error ? error.message : String(error), clock.now());
  }
}
