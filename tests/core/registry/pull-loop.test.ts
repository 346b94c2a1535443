import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { runPull } from '../../../server/core/registry/pull-loop.ts';
import { RuntimeFailure } from '../../../server/core/runtime.ts';
import type { ImageReference } from '../../../server/core/reference.ts';
import type { LayerPlan, ProgressEvent } from '../../../server/core/types.ts';
import { countingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';

const image = parseImageReference('127.0.0.1:5000/feas/multi:1');
const LAYER = 'd9b9504b1033';
const PLAN: LayerPlan = {
  layers: [{ digest: `sha256:${LAYER}${'0'.repeat(52)}`, size: 1000 }],
  config: `sha256:${'c'.repeat(64)}`,
};

/** A FAKE runtime whose registry read of the layer plan resolves when the test says. */
class PlanningRuntime extends ScriptedRuntime {
  readonly planReads: { image: ImageReference; signal: AbortSignal; resolve: (plan: LayerPlan | null) => void }[] = [];

  readLayerPlan(image: ImageReference, signal: AbortSignal): Promise<LayerPlan | null> {
    return new Promise((resolve) => this.planReads.push({ image, signal, resolve }));
  }
}

describe('runPull', () => {
  let runtime: ScriptedRuntime;
  let tracker: PullProgress;
  let abort: AbortController;
  let progressCalls: number;
  let ended: boolean;

  const start = (pullRuntime: ScriptedRuntime = runtime): Promise<void> => {
    const clock = countingClock();
    tracker = new PullProgress(clock.now());
    return runPull({ runtime: pullRuntime, clock, image, signal: abort.signal, tracker, onProgress: () => progressCalls++ }).then(() => {
      ended = true;
    });
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    runtime = new ScriptedRuntime();
    abort = new AbortController();
    progressCalls = 0;
    ended = false;
  });
  afterEach(() => vi.useRealTimers());

  it('feeds the engine output through the parser into the tracker, and completes when it ends', async () => {
    const done = start();
    const pull = runtime.pulls[0]!;
    expect(pull.image).toBe(image);
    expect(pull.signal).toBe(abort.signal);
    pull.push(dockerLine('Pulling fs layer', LAYER));
    await settle();
    // Half a line is no event yet: no progress to tell.
    pull.push(dockerLine('Downloading', LAYER, { current: 500, total: 1000 }).slice(0, 20));
    await settle();
    expect(progressCalls).toBe(1);
    pull.push(dockerLine('Downloading', LAYER, { current: 500, total: 1000 }).slice(20));
    await settle();
    expect(progressCalls).toBe(2);
    expect(tracker.snapshot(Date.now())).toMatchObject({ state: 'pulling', bytes_done: 500, bytes_total: 1000 });
    pull.push(dockerLine('Pull complete', LAYER));
    pull.end();
    await done;
    expect(tracker.state).toBe('completed');
    expect(progressCalls).toBe(3);
  });

  it('fails on an error line and stops reading the output', async () => {
    const done = start();
    const pull = runtime.pulls[0]!;
    pull.push('{"error":"pinging container registry 127.0.0.1:5000: connection refused"}\n');
    pull.push(dockerLine('Pulling fs layer', LAYER));
    // The output never ends: the loop returns only because it stopped reading.
    await done;
    expect(tracker.snapshot(Date.now())).toMatchObject({ state: 'failed', error_code: 'pull.registry_unreachable' });
    // The batch that ended the pull is still told, so the end goes out at once.
    expect(progressCalls).toBe(1);
  });

  it('fails with the runtime\'s own words when the output breaks off', async () => {
    const done = start();
    runtime.pulls[0]!.end('manifest for feas/multi:1 not found: manifest unknown: manifest unknown');
    await done;
    expect(tracker.snapshot(Date.now())).toMatchObject({ state: 'failed', error_code: 'pull.not_found' });
  });

  it('fails, rather than throws, when the runtime cannot even start the pull', async () => {
    /** A FAKE runtime whose pull fails before any output, as a missing CLI does. */
    class RefusingRuntime extends ScriptedRuntime {
      override pullImage(): never {
        throw new RuntimeFailure('docker: command not found');
      }
    }
    await start(new RefusingRuntime());
    expect(tracker.snapshot(Date.now())).toMatchObject({ state: 'failed', error: 'docker: command not found' });
  });

  it('leaves a cancelled tracker cancelled and tells no more progress', async () => {
    const done = start();
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling fs layer', LAYER));
    await settle();
    tracker.cancel(Date.now());
    abort.abort();
    pull.push(dockerLine('Downloading', LAYER, { current: 1, total: 2 }));
    await done;
    expect(ended).toBe(true);
    expect(tracker.state).toBe('cancelled');
    expect(progressCalls).toBe(1);
  });

  describe('the layer plan, read beside the pull', () => {
    let planning: PlanningRuntime;
    let applied: ProgressEvent['kind'][];

    const startPlanning = (): Promise<void> => {
      planning = new PlanningRuntime();
      const done = start(planning);
      applied = [];
      const apply = tracker.apply.bind(tracker);
      vi.spyOn(tracker, 'apply').mockImplementation((event, now) => {
        applied.push(event.kind);
        apply(event, now);
      });
      return done;
    };

    it('is read once, for the pulled image, under a signal the cancel aborts', async () => {
      const done = startPlanning();
      expect(planning.planReads).toHaveLength(1);
      const read = planning.planReads[0]!;
      expect(read.image).toBe(image);
      expect(read.signal.aborted).toBe(false);
      abort.abort();
      expect(read.signal.aborted).toBe(true);
      await done;
    });

    it('is applied when it comes before the first line, and told at once', async () => {
      const done = startPlanning();
      planning.planReads[0]!.resolve(PLAN);
      await settle();
      expect(applied).toEqual(['plan']);
      expect(progressCalls).toBe(1);
      planning.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
      planning.pulls[0]!.end();
      await done;
      expect(applied).toEqual(['plan', 'layer']);
      expect(tracker.state).toBe('completed');
    });

    it('is applied when it comes after the engine\'s first lines', async () => {
      const done = startPlanning();
      planning.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
      await settle();
      planning.planReads[0]!.resolve(PLAN);
      await settle();
      expect(applied).toEqual(['layer', 'plan']);
      expect(progressCalls).toBe(2);
      planning.pulls[0]!.end();
      await done;
      expect(tracker.state).toBe('completed');
    });

    it('changes nothing when the registry could not be read (null), and the pull goes on', async () => {
      const done = startPlanning();
      planning.planReads[0]!.resolve(null);
      await settle();
      expect([applied, progressCalls]).toEqual([[], 0]);
      planning.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
      planning.pulls[0]!.end();
      await done;
      expect([applied, tracker.state]).toEqual([['layer'], 'completed']);
    });

    it('is given up when the pull ends first: its read is aborted, a late plan is dropped', async () => {
      const done = startPlanning();
      planning.pulls[0]!.end();
      await done;
      const read = planning.planReads[0]!;
      expect(read.signal.aborted).toBe(true);
      read.resolve(PLAN);
      await settle();
      expect([applied, progressCalls, tracker.state]).toEqual([[], 0, 'completed']);
    });

    it('is dropped when it comes after a cancel', async () => {
      const done = startPlanning();
      tracker.cancel(Date.now());
      abort.abort();
      planning.planReads[0]!.resolve(PLAN);
      await done;
      await settle();
      expect([applied, progressCalls, tracker.state]).toEqual([[], 0, 'cancelled']);
    });
  });

  describe('completed only when the engine has the image', () => {
    it('asks the engine once after the output ended, with the pull\'s signal', async () => {
      const inspect = vi.spyOn(runtime, 'inspectImage');
      const done = start();
      runtime.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
      await settle();
      expect(inspect).not.toHaveBeenCalled();
      runtime.pulls[0]!.end();
      await done;
      expect(inspect.mock.calls).toEqual([[image, abort.signal]]);
      expect(tracker.state).toBe('completed');
    });

    it('fails a pull whose output ended without error when the engine has no image', async () => {
      const done = start();
      runtime.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
      runtime.pulls[0]!.end();
      // The engine said success, yet the image is not there (removed, or never written).
      runtime.presence.set(image.key, 'missing');
      await done;
      expect(tracker.snapshot(Date.now())).toMatchObject({
        state: 'failed',
        error_code: 'pull.engine_error',
        error: "the engine ended the pull without error but has no image 127.0.0.1:5000/feas/multi:1; pull again or look at the engine's log",
      });
    });

    it('fails, naming what could not be read, when the output was garbage and there is no image', async () => {
      const done = start();
      // Invalid UTF-8 decoded leniently, then a cut line: nothing a parser can read, and no image.
      runtime.pulls[0]!.push('\ufffd\ufffd(\n{"status":"Downloading","progressDetail":{"current":1,\n');
      runtime.pulls[0]!.end();
      runtime.presence.set(image.key, 'missing');
      await done;
      expect(tracker.snapshot(Date.now())).toMatchObject({
        state: 'failed',
        error_code: 'pull.engine_error',
        error: expect.stringContaining('has no image 127.0.0.1:5000/feas/multi:1 (2 lines of its answer could not be read)'),
      });
    });

    it('fails with why when the engine cannot be asked', async () => {
      const done = start();
      runtime.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
      runtime.pulls[0]!.end();
      runtime.presence.set(image.key, 'error');
      await done;
      expect(tracker.snapshot(Date.now())).toMatchObject({
        state: 'failed',
        error_code: 'pull.engine_error',
        error:
          "the engine ended the pull without error, but the image 127.0.0.1:5000/feas/multi:1 could not be confirmed (Cannot connect to the engine); look at the image's status, or pull again",
      });
    });

    it('leaves a pull cancelled during the check cancelled', async () => {
      /** A FAKE runtime whose inspect answers only when the test says. */
      class SlowInspectRuntime extends ScriptedRuntime {
        answer: ((presence: 'present') => void) | null = null;
        override inspectImage(): Promise<'present' | 'missing'> {
          return new Promise((resolve) => (this.answer = resolve));
        }
      }
      const slow = new SlowInspectRuntime();
      const done = start(slow);
      slow.pulls[0]!.end();
      await settle();
      tracker.cancel(Date.now());
      slow.answer!('present');
      await done;
      expect(tracker.state).toBe('cancelled');
    });
  });
});
