import { describe, expect, it } from 'vitest';
import { extractionSecondsLeft, extractPercent, extractSeconds, type ExtractionLayer } from '../../../server/core/progress/extraction.ts';
import type { LayerPhase } from '../../../server/core/types.ts';

const layer = (phase: LayerPhase, size: number | null, more: Partial<ExtractionLayer> = {}): ExtractionLayer => ({
  phase,
  size,
  extracted: null,
  extractStartedAt: null,
  extractEndedAt: null,
  extractSeconds: null,
  ...more,
});

describe('extractPercent', () => {
  it('is the share of the bytes extracted, by layer size, rounded down to a tenth', () => {
    const layers = [layer('complete', 100), layer('extracting', 200, { extracted: 50 }), layer('downloaded', 300), layer('downloading', 400)];
    expect(extractPercent(layers, 'bytes')).toBe(15); // (100 + 50) of 1000
    expect(extractPercent([layer('extracting', 3, { extracted: 2 })], 'bytes')).toBe(66.6);
    expect(extractPercent([layer('complete', 3)], 'bytes')).toBe(100);
  });

  it('weighs a layer of unknown size as the mean of the known ones', () => {
    expect(extractPercent([layer('complete', 100), layer('waiting', null)], 'bytes')).toBe(50);
  });

  it('is null unless the engine counts extraction in bytes, or with nothing to extract', () => {
    const layers = [layer('extracting', 200, { extracted: 50 })];
    expect(extractPercent(layers, 'seconds')).toBeNull();
    expect(extractPercent(layers, null)).toBeNull();
    expect(extractPercent([], 'bytes')).toBeNull();
  });
});

describe('extractSeconds', () => {
  it("is the engine's seconds summed over the layers, where it counts seconds", () => {
    const layers = [layer('complete', 100, { extractSeconds: 4 }), layer('extracting', 100, { extractSeconds: 2 }), layer('downloading', 100)];
    expect(extractSeconds(layers, 'seconds')).toBe(6);
    expect(extractSeconds(layers, 'bytes')).toBeNull();
    expect(extractSeconds(layers, null)).toBeNull();
  });
});

describe('extractionSecondsLeft', () => {
  it('times the layers left at the pace of those extracted, from their lines (bytes)', () => {
    const layers = [
      layer('complete', 1_000, { extractStartedAt: 0, extractEndedAt: 500 }), // 0.5 ms per byte
      layer('extracting', 2_000, { extracted: 1_000, extractStartedAt: 600 }),
      layer('downloading', 4_000),
    ];
    expect(extractionSecondsLeft(layers, 'bytes')).toBe(0.5 + 2);
  });

  it("times the layers left at the engine's seconds per byte (seconds)", () => {
    const layers = [layer('complete', 1_000, { extractSeconds: 2 }), layer('extracting', 2_000, { extractSeconds: 1 }), layer('downloaded', 500)];
    expect(extractionSecondsLeft(layers, 'seconds')).toBe(3 + 1);
  });

  it('is null before a layer was seen extracted from start to end, or where extraction is not reported', () => {
    expect(extractionSecondsLeft([layer('extracting', 100, { extracted: 10, extractStartedAt: 0 })], 'bytes')).toBeNull();
    expect(extractionSecondsLeft([layer('complete', 100)], 'bytes')).toBeNull();
    expect(extractionSecondsLeft([layer('complete', 100)], null)).toBeNull();
  });

  it('is 0 once every layer is extracted', () => {
    expect(extractionSecondsLeft([layer('complete', 100, { extractSeconds: 1 })], 'seconds')).toBe(0);
  });
});
