/**
 * What a registry records in its PullRecorder (here the real PullHistory,
 * in memory): a job's start with its engine and slots, a higher percent
 * before any reader is shown it, its end; a close that leaves running jobs
 * to the next start; and a job taken up again with its id.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullHistory } from '../../../server/core/history/pull-history.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { PullRegistry, type PullRegistryOptions } from '../../../server/core/registry/pull-registry.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';

const image = parseImageReference('127.0.0.1:5000/feas/multi:1');
const LAYER = 'd9b9504b1033';
const T0 = Date.parse('2026-12-01T10:00:00.000Z');

describe('PullRegistry and its records', () => {
  let clock: CountingClock;
  let runtime: ScriptedRuntime;
  let history: PullHistory;
  let registry: PullRegistry;
  let ids = 0;
  const make = (options: Partial<PullRegistryOptions> = {}): PullRegistry =>
    new PullRegistry({ runtime, clock, newJobId: () => `p_${++ids}`, recorder: history, slotsOf: () => ['chat', 'code'], ...options });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
    clock = countingClock();
    runtime = new ScriptedRuntime();
    history = new PullHistory({ now: () => clock.now() });
    registry = make();
  });
  afterEach(() => {
    registry.close();
    vi.useRealTimers();
  });

  it('records the start with its engine and slots, each higher percent before a reader sees it, and the end', async () => {
    const named = make({ engine: 'gpu2' });
    const { job } = named.start(image);
    expect(history.activeJobs()).toEqual([
      { id: job.id, image: image.raw, runtime: 'docker', engine: 'gpu2', slots: ['chat', 'code'], started_at: T0, resumes: 0, progress: null },
    ]);
    const recorded = (): number | null => history.activeJobs()[0]?.progress?.percent ?? null;
    const shown: number[] = [];
    named.watch([image.key], () => {
      const { percent } = job.progress();
      if (percent === null || job.state !== 'pulling') return;
      shown.push(percent);
      expect(recorded()).toBeGreaterThanOrEqual(percent);
    });
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling fs layer', LAYER));
    for (let i = 1; i <= 20; i++) {
      pull.push(dockerLine('Downloading', LAYER, { current: i * 4000, total: 100_000 }));
      await settle();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(recorded()).toBe(shown.at(-1));

    pull.end();
    await settle();
    await settle();
    expect(history.activeJobs()).toEqual([]);
    expect(history.page().jobs).toEqual([
      expect.objectContaining({ job_id: job.id, engine: 'gpu2', slots: ['chat', 'code'], state: 'completed', bytes_done: 100_000, bytes_total: 100_000, server_restarts: 0 }),
    ]);
    named.close();
  });

  it('records a cancel, and a failure with its code and words', async () => {
    const other = parseImageReference('ghcr.io/acme/other:1');
    const cancelled = registry.start(image).job;
    const failed = registry.start(other).job;
    registry.cancel(image);
    runtime.pulls[1]!.end('unauthorized: authentication required');
    await settle();
    await settle();
    expect(history.page().jobs.map((entry) => [entry.job_id, entry.state, entry.error_code, entry.error])).toEqual([
      [failed.id, 'failed', 'pull.unauthorized', 'unauthorized: authentication required'],
      [cancelled.id, 'cancelled', null, null],
    ]);
  });

  it('closes without ending: running and queued jobs stay recorded as running, the engine pulls stop, nothing more is written', async () => {
    const capped = make({ maxConcurrentPulls: 1 });
    const first = capped.start(image).job;
    const queued = capped.start(parseImageReference('ghcr.io/acme/later:1')).job;
    expect(capped.queuedPulls).toBe(1);
    runtime.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 10, total: 100 }));
    await settle();
    const ended: string[] = [];
    capped.watch([image.key], () => ended.push('frame'));
    capped.close();
    await settle();
    await settle();
    expect(runtime.pulls).toHaveLength(1);
    expect(runtime.pulls[0]!.signal.aborted).toBe(true);
    expect(history.activeJobs().map((job) => job.id)).toEqual([first.id, queued.id]);
    expect(history.finishedCount).toBe(0);
    expect(ended).toEqual([]);
    expect(clock.liveTimers).toBe(0);
  });

  it('takes a job up again with its id and start, from the percent shown before, and records the resume', async () => {
    history.start({ id: 'p_old', image: image.raw, runtime: 'docker', slots: ['chat'], started_at: T0 - 60_000 });
    history.progress('p_old', { percent: 40, bytes_done: 4000, bytes_total: 10_000, at: T0 - 1000 });
    const view = registry.resume({ id: 'p_old', image, startedAt: T0 - 60_000, percent: 40, serverRestarts: 0 });
    expect(view?.id).toBe('p_old');
    expect(view?.serverRestarts).toBe(1);
    expect(registry.job(image)).toBe(view);
    expect(runtime.pulls).toHaveLength(1);
    expect(history.activeJobs()[0]).toMatchObject({ id: 'p_old', resumes: 1 });
    expect(view?.progress()).toMatchObject({
      state: 'pulling',
      percent: 40,
      started_at: new Date(T0 - 60_000).toISOString(),
      updated_at: new Date(T0).toISOString(),
    });
    expect(registry.start(image)).toMatchObject({ resumed: true, job: { id: 'p_old' } });
    expect(registry.resume({ id: 'p_twin', image, startedAt: T0, percent: null, serverRestarts: 0 })).toBeUndefined();

    // The layers fetched before the restart are cached now: the rest starts low, and the percent waits at 40.
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Already exists', 'aaaaaaaaaaaa'));
    pull.push(dockerLine('Downloading', LAYER, { current: 1000, total: 10_000 }));
    await settle();
    expect(view?.progress().percent).toBe(40);
    pull.push(dockerLine('Downloading', LAYER, { current: 6000, total: 10_000 }));
    await settle();
    expect(view?.progress().percent).toBeGreaterThan(40);
    pull.end();
    await settle();
    await settle();
    expect(history.page().jobs[0]).toMatchObject({ job_id: 'p_old', state: 'completed', server_restarts: 1 });
  });
});
