import { describe, expect, it } from 'vitest';
import { byteCounts, extractionUnitsOf } from '../../../../server/core/progress/quirks/containerd-extract-seconds.ts';
import { A, downloaded, downloading, layer, pullingFrom, run } from '../pull-events.ts';

describe('byteCounts', () => {
  it('passes on byte counts', () => {
    expect(byteCounts({ kind: 'layer', id: A, phase: 'extracting', current: 100, total: 200 })).toEqual({ current: 100, total: 200 });
    expect(byteCounts({ kind: 'layer', id: A, phase: 'downloading', current: 100 })).toEqual({ current: 100, total: undefined });
  });

  it('gives no bytes for a count in seconds', () => {
    expect(byteCounts({ kind: 'layer', id: A, phase: 'extracting', current: 3, units: 's' })).toEqual({});
  });
});

describe('extractionUnitsOf', () => {
  it('reads units "s" as seconds, anything else as bytes', () => {
    expect(extractionUnitsOf({ kind: 'layer', id: A, phase: 'extracting', current: 1, units: 's' })).toBe('seconds');
    expect(extractionUnitsOf({ kind: 'layer', id: A, phase: 'extracting', current: 1, total: 5 })).toBe('bytes');
  });
});

describe('PullProgress', () => {
  describe('extraction', () => {
    it("handles containerd's Extracting in seconds: no extraction bytes, the seconds instead", () => {
      const { progress, now } = run([pullingFrom, downloading(A, 100, 100), downloaded(A), layer(A, 'extracting', { current: 1, units: 's' })]);
      const s = progress.snapshot(now + 2_500);
      expect(s.percent).toBe(99); // all downloaded, not completed
      expect(s.layers[0]).toEqual({ id: A, phase: 'extracting', current: null, total: 100 });
      expect(s).toMatchObject({ phase: 'extracting', extract_percent: null, extract_seconds: 2 });
    });
  });
});
