import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../../server/core/progress/aggregate.ts';
import { rangeResumeExtent } from '../../../../server/core/progress/quirks/dockerd-range-resume.ts';
import { A, T0, downloaded, downloading, pullingFrom, waiting } from '../pull-events.ts';

describe('rangeResumeExtent', () => {
  it("takes a layer's first total as its size, from byte 0", () => {
    expect(rangeResumeExtent({ size: null, offset: 0 }, 1000, 'downloading')).toEqual({ size: 1000, offset: 0 });
  });

  it('reads a smaller total while downloading as the length left after the bytes in hand', () => {
    expect(rangeResumeExtent({ size: 1000, offset: 0 }, 400, 'downloading')).toEqual({ size: 1000, offset: 600 });
  });

  it('keeps the size and offset for a smaller total in another phase', () => {
    expect(rangeResumeExtent({ size: 1000, offset: 600 }, 400, 'extracting')).toEqual({ size: 1000, offset: 600 });
  });

  it('grows the size with a larger total', () => {
    expect(rangeResumeExtent({ size: 1000, offset: 0 }, 1200, 'downloading')).toEqual({ size: 1200, offset: 0 });
  });
});

describe('PullProgress', () => {
  describe('retry', () => {
    it("counts a dockerd Range resume from its offset: the resumed attempt's current leaves out the bytes already in hand", () => {
      // dockerd resumes with a Range request and reports current from 0 against total = size − offset
      // (tests/fixtures/recorded/dockerd-20.10-create-break-1MBps.timed.txt).
      const progress = new PullProgress(T0);
      progress.apply(pullingFrom, T0);
      progress.apply(waiting(A), T0);
      progress.apply(downloading(A, 900_000, 1_000_000), T0 + 1_000);
      expect(progress.snapshot(T0 + 1_000).percent).toBe(90);
      progress.apply({ kind: 'retry', id: A, seconds: 1 }, T0 + 1_500);
      progress.apply(downloading(A, 50_000, 100_000), T0 + 2_000);
      const s = progress.snapshot(T0 + 2_000);
      expect(s.layers[0]).toEqual({ id: A, phase: 'downloading', current: 950_000, total: 1_000_000 });
      expect(s.bytes_done).toBe(950_000);
      expect(s.bytes_total).toBe(1_000_000);
      expect(s.percent).toBe(95); // 950000 / 1000000, no longer stuck at 90 until Download complete
      expect(s.speed_bps).toBe(475_000); // 900 kB + 50 kB really received over 2 s: the offset is not received twice
      progress.apply(downloaded(A), T0 + 2_500);
      expect(progress.snapshot(T0 + 2_500)).toMatchObject({ bytes_done: 1_000_000, percent: 99 });
      progress.complete(T0 + 3_000);
      expect(progress.snapshot(T0 + 3_000).layers[0]).toEqual({ id: A, phase: 'complete', current: 1_000_000, total: 1_000_000 });
    });
  });

  it('keeps a layer\'s size when dockerd resumes a download and reports only the remaining length', () => {
    const progress = new PullProgress(0);
    const layer = (phase: 'waiting' | 'downloading', current?: number, total?: number) =>
      progress.apply({ kind: 'layer', id: 'aaaaaaaaaaaa', phase, ...(current === undefined ? {} : { current, total }) }, 1000);
    progress.apply({ kind: 'resolving', message: 'Pulling from x', reportsExtraction: true }, 0);
    layer('waiting');
    layer('downloading', 500, 1000);
    progress.apply({ kind: 'retry', id: 'aaaaaaaaaaaa', seconds: 5 }, 1000);
    layer('downloading', 100, 500); // resumed from byte 500: 100 of the remaining 500
    const snapshot = progress.snapshot(2000);
    expect(snapshot.bytes_total).toBe(1000);
    expect(snapshot.bytes_done).toBe(600);
    expect(snapshot.layers[0]).toMatchObject({ total: 1000, current: 600 });
  });
});
