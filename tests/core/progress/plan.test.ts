/** PullProgress with the registry's manifest (a `plan` event) beside the engine's lines. */
import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import type { LayerPlan, ProgressEvent } from '../../../server/core/types.ts';
import { A, B, C, T0, cached, complete, downloaded, downloading, layer, pullingFrom, run, waiting } from './pull-events.ts';

const digest = (id: string) => `sha256:${id}${'0'.repeat(52)}`;
const CONFIG = 'ffffffffffff';
const PLAN: LayerPlan = { layers: [{ digest: digest(A), size: 100 }, { digest: digest(B), size: 300 }], config: digest(CONFIG) };
const plan = (p: LayerPlan = PLAN): ProgressEvent => ({ kind: 'plan', plan: p });

describe('PullProgress with a plan', () => {
  it('has exact totals and a percent from the first frame, before the engine said a thing', () => {
    const s = run([plan()]).progress.snapshot(T0);
    // resolving: the engine has not named a layer yet
    expect(s).toMatchObject({ bytes_done: 0, bytes_total: 400, bytes_total_exact: true, percent: 0, total_layers: 2, layer: 0, phase: 'resolving' });
    expect(s.layers).toEqual([
      { id: A, phase: 'waiting', current: null, total: 100 },
      { id: B, phase: 'waiting', current: null, total: 300 },
    ]);
  });

  it("matches the engine's short ids to the digests, and counts bytes against the plan's sizes", () => {
    const { progress, now } = run([plan(), pullingFrom, waiting(A), waiting(B), downloading(B, 150, 300)]);
    expect(progress.snapshot(now)).toMatchObject({ phase: 'downloading', bytes_done: 150, bytes_total: 400, bytes_total_exact: true, percent: 37.5, total_layers: 2 });
  });

  it('merges a plan that arrives after the first engine lines', () => {
    const { progress, now } = run([pullingFrom, waiting(A), waiting(B), downloading(A, 50, 100), plan()]);
    const s = progress.snapshot(now);
    expect(s).toMatchObject({ bytes_done: 50, bytes_total: 400, bytes_total_exact: true, percent: 25, total_layers: 2 });
    expect(s.layers.map((l) => l.id)).toEqual([A, B]);
    // Before the plan, B was estimated at A's 100 bytes: 50 of 200, 25 %; the exact 50 of 400 is lower, and the percent never goes down.
    progress.apply(downloading(B, 300, 300), now + 100);
    expect(progress.snapshot(now + 100).percent).toBe(87.5);
  });

  it("leaves layers the engine reports Already exists out of the totals", () => {
    const s = run([plan(), pullingFrom, cached(A), waiting(B)]).progress.snapshot(T0 + 300);
    expect(s).toMatchObject({ bytes_total: 300, bytes_total_exact: true, total_layers: 1, layers_cached: 1 });
  });

  it('never counts the config blob podman announces like a layer, before or after the plan', () => {
    const config = [layer(CONFIG, 'waiting'), layer(CONFIG, 'downloaded')];
    const before = run([plan(), downloaded(A), downloaded(B), ...config]).progress.snapshot(T0 + 500);
    const after = run([downloaded(A), downloaded(B), layer(CONFIG, 'waiting'), plan()]).progress.snapshot(T0 + 500);
    for (const s of [before, after]) {
      expect(s.layers.map((l) => l.id)).toEqual([A, B]);
      expect(s).toMatchObject({ total_layers: 2, bytes_total: 400, bytes_total_exact: true });
    }
  });

  it('trusts the engine for a layer the plan does not list, and marks the totals not exact', () => {
    const s = run([plan(), downloading(A, 100, 100), downloading(C, 10, 50)]).progress.snapshot(T0 + 300);
    expect(s).toMatchObject({ bytes_done: 110, bytes_total: 450, bytes_total_exact: false, total_layers: 3, eta_s: null });
  });

  it("takes a planned layer the engine never named as already on disk when the pull completes (dockerd's present image)", () => {
    const { progress, now } = run([plan(), pullingFrom, { kind: 'finalizing', message: 'Status: Image is up to date for x:1' }]);
    progress.complete(now + 100);
    expect(progress.snapshot(now + 100)).toMatchObject({ state: 'completed', percent: 100, total_layers: 0, layers_cached: 2, bytes_total: null });
  });

  it('completes every layer the engine named', () => {
    const { progress, now } = run([plan(), pullingFrom, downloading(A, 100, 100), complete(A), waiting(B)]);
    progress.complete(now + 100);
    expect(progress.snapshot(now + 100)).toMatchObject({ percent: 100, bytes_done: 400, bytes_total: 400, layer: 2, total_layers: 2 });
  });

  it('takes only the first plan', () => {
    const other: LayerPlan = { layers: [{ digest: digest(C), size: 5 }], config: digest(CONFIG) };
    const s = run([plan(), plan(other)]).progress.snapshot(T0 + 200);
    expect(s.layers.map((l) => l.id)).toEqual([A, B]);
  });

  it('is ignored after the pull ended', () => {
    const progress = new PullProgress(T0);
    progress.cancel(T0 + 1);
    progress.apply(plan(), T0 + 2);
    expect(progress.snapshot(T0 + 2)).toMatchObject({ state: 'cancelled', total_layers: null, bytes_total: null });
  });
});
