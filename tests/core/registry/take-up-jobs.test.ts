import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullHistory } from '../../../server/core/history/pull-history.ts';
import { PullRegistry } from '../../../server/core/registry/pull-registry.ts';
import { describeTakeUp, takeUpJobs } from '../../../server/core/registry/take-up-jobs.ts';
import type { Slot } from '../../../server/core/slot.ts';
import { countingClock } from '../../helpers/clock.ts';
import { containerSlot } from '../../helpers/container-slot.ts';
import { ScriptedRuntime } from '../../helpers/scripted-runtime.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const MULTI = '127.0.0.1:5000/feas/multi:1';

describe('takeUpJobs', () => {
  let history: PullHistory;
  let own: ScriptedRuntime;
  let gpu2: ScriptedRuntime;
  let registries: Map<string | null, PullRegistry>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
    const clock = countingClock();
    history = new PullHistory({ now: () => clock.now() });
    own = new ScriptedRuntime('podman');
    gpu2 = new ScriptedRuntime('docker');
    registries = new Map([
      [null, new PullRegistry({ runtime: own, clock, newJobId: () => 'p_new', recorder: history })],
      ['gpu2', new PullRegistry({ runtime: gpu2, clock, newJobId: () => 'p_new', recorder: history, engine: 'gpu2' })],
    ]);
  });
  afterEach(() => {
    for (const registry of registries.values()) registry.close();
    vi.useRealTimers();
  });

  const running = (id: string, image: string, fields: { engine?: string; runtime?: string; slots?: string[]; percent?: number } = {}): void => {
    const { engine, runtime = 'podman', slots = ['chat'], percent } = fields;
    history.start({ id, image, runtime, ...(engine === undefined ? {} : { engine }), slots, started_at: T0 - 60_000 });
    if (percent !== undefined) history.progress(id, { percent, bytes_done: percent, bytes_total: 100, at: T0 - 1000 });
  };
  const takeUp = (slots: Slot[]) =>
    takeUpJobs({ jobs: history.activeJobs(), slots, registryFor: (engine) => registries.get(engine), recorder: history, now: T0 });

  it('takes each job up on its engine, with its id, its start and its percent, under the spelling the slots file uses now', () => {
    running('p_own', 'docker.io/library/nginx:latest', { percent: 41.5 });
    running('p_gpu2', MULTI, { engine: 'gpu2', runtime: 'docker', slots: ['code'] });
    const outcomes = takeUp([containerSlot('chat', 'nginx'), containerSlot('code', MULTI, 'gpu2')]);
    expect(outcomes.map((outcome) => [outcome.kind, outcome.job.id])).toEqual([
      ['resumed', 'p_own'],
      ['resumed', 'p_gpu2'],
    ]);
    expect(own.pulls.map((pull) => pull.image.raw)).toEqual(['nginx']);
    expect(gpu2.pulls.map((pull) => pull.image.raw)).toEqual([MULTI]);
    expect(registries.get(null)!.job(own.pulls[0]!.image)?.progress()).toMatchObject({ percent: 41.5, started_at: new Date(T0 - 60_000).toISOString() });
    expect(history.activeJobs().map((job) => [job.id, job.resumes])).toEqual([
      ['p_own', 1],
      ['p_gpu2', 1],
    ]);
    expect(describeTakeUp(outcomes[0]!)).toBe('pull p_own of docker.io/library/nginx:latest taken up again after a restart from 41.5%');
  });

  it('ends, with why, a job whose slot, image or engine left the slots file, or whose engine changed kind', () => {
    running('p_slot_gone', MULTI, { slots: ['chat'], percent: 12 });
    running('p_engine_gone', MULTI, { engine: 'gpu9', runtime: 'docker' });
    running('p_moved', 'ghcr.io/acme/moved:1', { engine: 'gpu2', runtime: 'docker', slots: ['code'] });
    running('p_kind', 'ghcr.io/acme/kind:1', { runtime: 'docker', slots: ['kind'] });
    const outcomes = takeUp([
      containerSlot('chat', 'ghcr.io/acme/other:2'),
      containerSlot('code', 'ghcr.io/acme/moved:1'),
      containerSlot('kind', 'ghcr.io/acme/kind:1'),
    ]);
    expect(outcomes.map((outcome) => (outcome.kind === 'ended' ? outcome.error : outcome.kind))).toEqual([
      `slotpull restarted and did not take this pull up again: no slot in the slots file uses ${MULTI} any more (it was pulled for chat)`,
      'slotpull restarted and did not take this pull up again: its engine "gpu9" is no longer in the slots file',
      'slotpull restarted and did not take this pull up again: no slot in the slots file uses ghcr.io/acme/moved:1 on engine "gpu2" any more (it was pulled for code)',
      'slotpull restarted and did not take this pull up again: it ran on docker, which is podman now',
    ]);
    expect(own.pulls).toEqual([]);
    expect(gpu2.pulls).toEqual([]);
    expect(history.activeJobs()).toEqual([]);
    const ended = history.page().jobs.find((job) => job.job_id === 'p_slot_gone');
    expect(ended).toMatchObject({ state: 'failed', error_code: 'pull.interrupted', bytes_done: 12, finished_at: new Date(T0).toISOString() });
    expect(describeTakeUp(outcomes[1]!)).toBe(
      `pull p_engine_gone of ${MULTI} on engine "gpu9" failed: slotpull restarted and did not take this pull up again: its engine "gpu9" is no longer in the slots file`,
    );
  });

  it('takes up one job per image; a second one of the same image ends', () => {
    running('p_first', MULTI);
    running('p_second', MULTI);
    const outcomes = takeUp([containerSlot('chat', MULTI)]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['resumed', 'ended']);
    expect(outcomes[1]).toMatchObject({ error: `slotpull restarted and did not take this pull up again: another pull of ${MULTI} was taken up in its place` });
    expect(own.pulls).toHaveLength(1);
  });
});
