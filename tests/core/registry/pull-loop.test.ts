import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { runPull } from '../../../server/core/registry/pull-loop.ts';
import { RuntimeFailure } from '../../../server/core/runtime.ts';
import { countingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';

const image = parseImageReference('127.0.0.1:5000/feas/multi:1');
const LAYER = 'd9b9504b1033';

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
});
