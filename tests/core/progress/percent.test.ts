import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advancePercent,
  COMPLETED_PERCENT,
  MAX_PULLING_PERCENT,
  rawPercent,
  shownPercent,
  type PercentInput,
  type PercentLayer,
} from '../../../server/core/progress/percent.ts';
import type { LayerPhase, ProgressEvent } from '../../../server/core/types.ts';
import { A, B, STEP_MS, complete, downloaded, downloading, extracting, layer, pullingFrom, run, snap, waiting } from './pull-events.ts';

const fetched = (phase: LayerPhase, size: number | null, downloadedBytes = 0): PercentLayer => ({ phase, size, downloaded: downloadedBytes });
/** A pull whose engine has given byte counts. */
const known = (layers: PercentLayer[]): PercentInput => ({ layers, sawBytes: true });

describe('rawPercent', () => {
  it('is null before the engine gave a byte count, and with no layer to fetch', () => {
    expect(rawPercent({ layers: [fetched('downloading', 100, 50)], sawBytes: false })).toBeNull();
    expect(rawPercent(known([]))).toBeNull();
  });

  it('weighs the layers by size when every size is known', () => {
    expect(rawPercent(known([fetched('downloading', 100, 100), fetched('downloading', 300, 0)]))).toBe(25);
  });

  it('weighs a layer of unknown size as the mean of the known sizes', () => {
    expect(rawPercent(known([fetched('downloading', 100, 50), fetched('waiting', null)]))).toBe(25);
    // 3 known layers (100, 200, 300: mean 200) done, 6 announced without a size: 600 of 1800 bytes.
    const nine = [fetched('complete', 100), fetched('complete', 200), fetched('complete', 300), ...Array.from({ length: 6 }, () => fetched('waiting', null))];
    expect(rawPercent(known(nine))).toBeCloseTo((600 / 1800) * 100, 10);
  });

  it('weighs the layers one each when no size is known', () => {
    expect(rawPercent(known([fetched('downloaded', null), fetched('waiting', null), fetched('waiting', null), fetched('downloading', null, 7)]))).toBe(25);
  });

  it('counts a download whole from Verifying Checksum on, and as nothing while waiting or of unknown size', () => {
    for (const phase of ['verifying', 'downloaded', 'extracting', 'complete'] as const) {
      expect(rawPercent(known([fetched(phase, 100)])), phase).toBe(100);
    }
    expect(rawPercent(known([fetched('waiting', 100, 50)]))).toBe(0);
    expect(rawPercent(known([fetched('downloading', null, 50)]))).toBe(0);
  });

  it('never counts a layer as more than whole', () => {
    expect(rawPercent(known([fetched('downloading', 100, 150), fetched('waiting', 100)]))).toBe(50);
  });

  it('is the share downloaded: extraction adds nothing to it', () => {
    expect(rawPercent(known([fetched('downloading', 200, 100)]))).toBe(50);
    expect(rawPercent(known([fetched('downloaded', 200), fetched('waiting', 200)]))).toBe(50);
    expect(rawPercent(known([fetched('extracting', 200, 200), fetched('waiting', 200)]))).toBe(50);
    expect(rawPercent(known([fetched('complete', 200), fetched('waiting', 200)]))).toBe(50);
  });
});

describe('advancePercent', () => {
  it('follows the model while it is at or above what was shown', () => {
    expect(advancePercent(null, 100 / 3, null)).toBe(100 / 3);
    expect(advancePercent(40, 60.04, 40)).toBe(60.04);
    expect(advancePercent(null, null, null)).toBeNull();
    expect(advancePercent(57, null, 57)).toBe(57);
  });

  it(`stays at most ${MAX_PULLING_PERCENT}`, () => {
    expect(advancePercent(null, 100, null)).toBe(MAX_PULLING_PERCENT);
    expect(advancePercent(98, 99.96, 98)).toBe(MAX_PULLING_PERCENT);
  });

  it('holds when the model falls back, then moves on by the share of the rest each step did, not waiting for the model', () => {
    // 50 % shown; a size learnt late puts the model at 20 %: the bar holds.
    expect(advancePercent(50, 20, 50)).toBe(50);
    // The model moves 20 → 40 (a quarter of what it had left): the bar moves a quarter of its rest to 99, 50 → 62.25.
    expect(advancePercent(50, 40, 20)).toBe(62.25);
    // and so on (40 → 55 is a quarter of the model's rest again: 62.25 → 71.4375), reaching 99 with the last byte.
    expect(advancePercent(62.25, 55, 40)).toBe(71.4375);
    expect(advancePercent(71.4375, 70, 55)).toBeCloseTo(71.4375 + 27.5625 / 3, 10);
    expect(advancePercent(71.4375, 100, 55)).toBe(MAX_PULLING_PERCENT);
  });

  it('holds when a step does not advance the model, or nothing came before to measure it against', () => {
    expect(advancePercent(50, 20, 30)).toBe(50);
    expect(advancePercent(50, 20, null)).toBe(50);
  });

  it('never goes down, stays known once known, and at most 99 over any raw values', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }))), (raws) => {
        let shown: number | null = null;
        let previousRaw: number | null = null;
        for (const raw of raws) {
          const next = advancePercent(shown, raw, previousRaw);
          if (shown !== null) {
            expect(next).not.toBeNull();
            expect(next as number).toBeGreaterThanOrEqual(shown);
          }
          if (next !== null) expect(next).toBeLessThanOrEqual(MAX_PULLING_PERCENT);
          shown = next;
          if (raw !== null) previousRaw = raw;
        }
      }),
    );
  });
});

describe('shownPercent', () => {
  it('rounds to one decimal, at most 99, until completed', () => {
    expect(shownPercent(100 / 3, 'pulling')).toBe(33.3);
    expect(shownPercent(98.96, 'pulling')).toBe(MAX_PULLING_PERCENT);
    expect(shownPercent(null, 'pulling')).toBeNull();
    expect(shownPercent(57.04, 'failed')).toBe(57);
    expect(shownPercent(57, 'cancelled')).toBe(57);
  });

  it(`is exactly ${COMPLETED_PERCENT} when completed, whatever came before`, () => {
    expect(shownPercent(null, 'completed')).toBe(COMPLETED_PERCENT);
    expect(shownPercent(12, 'completed')).toBe(COMPLETED_PERCENT);
  });
});

describe('PullProgress', () => {
  describe('percent', () => {
    it('is null until the first byte data, then weighted by bytes when every size is known', () => {
      const { progress, now } = run([pullingFrom, waiting(A), waiting(B)]);
      expect(progress.snapshot(now).percent).toBeNull();
      progress.apply(downloading(B, 0, 300), now + 100);
      expect(progress.snapshot(now + 100).percent).toBe(0); // by count: A's size is not known yet
      progress.apply(downloading(A, 100, 100), now + 200);
      const s = progress.snapshot(now + 200);
      expect(s.percent).toBe(25); // 100 of 400 bytes
      expect(s.bytes_total_exact).toBe(true);
    });

    it('gives a download 100% of a layer where the engine never reports extraction', () => {
      const s = snap([waiting(A), waiting(B), downloading(B, 0, 300), downloading(A, 100, 100)]);
      expect(s.percent).toBe(25);
    });

    it('keeps a higher estimated percent when a size arrives later (it never goes down)', () => {
      const s = snap([pullingFrom, waiting(A), waiting(B), downloading(A, 100, 100), downloading(B, 0, 300)]);
      expect(s.percent).toBe(50); // B estimated at A's 100 bytes: 100 of 200, before the exact 100 of 400
      expect(s.bytes_total_exact).toBe(true);
    });

    it('estimates an unknown size by the known ones, with bytes_total_exact false', () => {
      const s = snap([waiting(A), waiting(B), downloading(A, 50, 100)]);
      expect(s.percent).toBe(25); // 50 of 100 + 100 (B estimated at A's size)
      expect(s.bytes_total_exact).toBe(false);
      expect(s.bytes_total).toBe(100);
      expect(s.bytes_done).toBe(50);
    });

    it('is the share downloaded, and extraction has its own measure', () => {
      const steps: Array<[ProgressEvent, number, number | null]> = [
        [downloading(A, 50, 200), 25, null],
        [layer(A, 'verifying'), 99, null],
        [downloaded(A), 99, null],
        [extracting(A, 100, 200), 99, 50],
        [extracting(A, 200, 200), 99, 100],
        [complete(A), 99, 100],
      ];
      const { progress, now } = run([pullingFrom, waiting(A)]);
      steps.forEach(([event, percent, extractPercent], i) => {
        progress.apply(event, now + (i + 1) * STEP_MS);
        expect(progress.snapshot(now + (i + 1) * STEP_MS)).toMatchObject({ percent, extract_percent: extractPercent });
      });
    });

    it('stays null for a pull with no byte data, and is 100 on complete', () => {
      const { progress, now } = run([waiting(A), waiting(B), downloaded(A), downloaded(B)]);
      expect(progress.snapshot(now).percent).toBeNull();
      progress.complete(now + 100);
      expect(progress.snapshot(now + 100).percent).toBe(100);
    });

    it('never goes down when a new layer appears, and stays ≤ 99 until complete', () => {
      const { progress, now } = run([waiting(A), downloading(A, 100, 100), downloaded(A)]);
      expect(progress.snapshot(now).percent).toBe(99);
      progress.apply(waiting(B), now + 100); // raw 50%
      expect(progress.snapshot(now + 100).percent).toBe(99);
      expect(progress.state).toBe('pulling');
      progress.complete(now + 200);
      expect(progress.snapshot(now + 200).percent).toBe(100);
    });

    it('is rounded to one decimal', () => {
      const s = snap([waiting(A), downloading(A, 1, 3)]);
      expect(s.percent).toBe(33.3);
    });

    it('is 100 only when completed: a failure keeps the last value', () => {
      const { progress, now } = run([waiting(A), downloading(A, 100, 100)]);
      progress.fail('unexpected EOF', now + 100);
      expect(progress.snapshot(now + 100).percent).toBe(99);
    });
  });
});
