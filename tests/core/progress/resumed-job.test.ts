/** PullProgress for a job taken up again after a restart: its own start, a fresh updated_at, and the percent shown before as a floor. */
import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';

const T0 = 1_700_000_000_000;
const RESUMED_AT = T0 + 90_000;

describe('PullProgress, resumed', () => {
  it('keeps its start, is updated as of the resume, and never shows less than before', () => {
    const progress = new PullProgress(T0, { resumed: { at: RESUMED_AT, percent: 60 } });
    expect(progress.snapshot(RESUMED_AT)).toMatchObject({
      state: 'pulling',
      percent: 60,
      started_at: new Date(T0).toISOString(),
      updated_at: new Date(RESUMED_AT).toISOString(),
    });
    progress.apply({ kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'cached' }, RESUMED_AT + 1);
    progress.apply({ kind: 'layer', id: 'bbbbbbbbbbbb', phase: 'downloading', current: 100, total: 1000 }, RESUMED_AT + 2);
    expect(progress.snapshot(RESUMED_AT + 2).percent).toBe(60);
    progress.apply({ kind: 'layer', id: 'bbbbbbbbbbbb', phase: 'downloading', current: 700, total: 1000 }, RESUMED_AT + 3);
    expect(progress.snapshot(RESUMED_AT + 3).percent).toBe(70);
    progress.complete(RESUMED_AT + 4);
    expect(progress.snapshot(RESUMED_AT + 4).percent).toBe(100);
  });

  it('stays indeterminate when nothing was shown before', () => {
    expect(new PullProgress(T0, { resumed: { at: RESUMED_AT, percent: null } }).snapshot(RESUMED_AT).percent).toBeNull();
  });
});
