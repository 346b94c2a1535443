/**
 * Events and a driver for the PullProgress tests: short layer ids, the
 * parser's event shapes, and `run`/`snap` to apply events 100 ms apart.
 */
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import type { LayerPhase, ProgressEvent, PullProgressFields } from '../../../server/core/types.ts';

export const T0 = Date.UTC(2026, 10, 26, 22, 0, 0);
export const STEP_MS = 100;
export const A = 'aaaaaaaaaaaa';
export const B = 'bbbbbbbbbbbb';
export const C = 'cccccccccccc';
export const IMAGE_ID = '005fbdb959a247e448b5a62f99656926e4b399a6cc44ebf93c7de3e56ff2eb75';

/** dockerd's `Pulling from`: this engine reports extraction. */
export const pullingFrom: ProgressEvent = { kind: 'resolving', message: 'Pulling from feas/x', reportsExtraction: true };
export const layer = (id: string, phase: LayerPhase, extra: { current?: number; total?: number; units?: string } = {}): ProgressEvent => ({
  kind: 'layer',
  id,
  phase,
  ...extra,
});
export const waiting = (id: string) => layer(id, 'waiting');
export const downloading = (id: string, current: number, total?: number) =>
  layer(id, 'downloading', total === undefined ? { current } : { current, total });
export const downloaded = (id: string) => layer(id, 'downloaded');
export const extracting = (id: string, current: number, total: number) => layer(id, 'extracting', { current, total });
export const complete = (id: string) => layer(id, 'complete');
export const cached = (id: string) => layer(id, 'cached');

/** Applies events 100 ms apart from T0 + 100 ms; returns the progress and the time of the last one. */
export function run(events: ProgressEvent[], progress = new PullProgress(T0), startAt = T0 + STEP_MS) {
  let now = startAt - STEP_MS;
  for (const event of events) {
    now += STEP_MS;
    progress.apply(event, now);
  }
  return { progress, now };
}

/** The snapshot after `events`, at the time of the last one. */
export function snap(events: ProgressEvent[]): PullProgressFields {
  const { progress, now } = run(events);
  return progress.snapshot(now);
}
