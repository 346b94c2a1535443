import { describe, expect, it } from 'vitest';
import { extractPercent, extractSeconds, fitExtraction, silentEndSecondsLeft, unpackedSamples, unpackSecondsLeft, type ExtractionLayer } from '../../../server/core/progress/extraction.ts';
import type { LayerPhase } from '../../../server/core/types.ts';

/** The unpacking left over all the layers (unpackSecondsLeft gives it by layer). */
const extractionSecondsLeft = (...args: Parameters<typeof unpackSecondsLeft>): number | null =>
  unpackSecondsLeft(...args)?.reduce((sum, seconds) => sum + seconds, 0) ?? null;

const layer = (phase: LayerPhase, size: number | null, more: Partial<ExtractionLayer> = {}): ExtractionLayer => ({
  phase,
  size,
  extracted: null,
  extractStartedAt: null,
  extractEndedAt: null,
  extractReportedAt: null,
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
  it('is the whole seconds spent extracting over the layers, timed from the lines, where the engine counts seconds', () => {
    const layers = [
      layer('complete', 100, { extractStartedAt: 0, extractEndedAt: 1_300 }),
      layer('extracting', 100, { extractStartedAt: 1_400 }),
      layer('downloading', 100),
    ];
    expect(extractSeconds(layers, 'seconds', 3_000)).toBe(2); // 1.3 s + 1.6 s
    expect(extractSeconds(layers, 'seconds', 3_100)).toBe(3);
    expect(extractSeconds(layers, 'bytes', 3_000)).toBeNull();
    expect(extractSeconds(layers, null, 3_000)).toBeNull();
  });
});

describe('unpackSecondsLeft', () => {
  it('is by layer, 0 for a layer unpacked', () => {
    const layers = [layer('complete', 1_000, { extractStartedAt: 0, extractEndedAt: 500 }), layer('downloading', 4_000)];
    expect(unpackSecondsLeft(layers, 'bytes', 700)).toEqual([0, 2]);
  });

  it('times the layers left at the pace of those extracted, from their lines (bytes)', () => {
    const layers = [
      layer('complete', 1_000, { extractStartedAt: 0, extractEndedAt: 500 }), // 0.5 ms per byte
      layer('extracting', 2_000, { extracted: 1_000, extractStartedAt: 600, extractReportedAt: 700 }),
      layer('downloading', 4_000),
    ];
    // With the layer now extracting (1000 bytes in 0.1 s): 2000 bytes in 0.6 s, 0.3 ms per byte, 5000 bytes to go.
    expect(extractionSecondsLeft(layers, 'bytes', 700)).toBeCloseTo(1.5, 10);
    // A frame later, with no new count: the same pace, not a slower one.
    expect(extractionSecondsLeft(layers, 'bytes', 900)).toBeCloseTo(1.5, 10);
  });

  it('times the layers left by the time the current one has been extracting, where the engine counts seconds', () => {
    const layers = [
      layer('complete', 1_000, { extractStartedAt: 0, extractEndedAt: 2_000 }), // 2 ms per byte
      layer('extracting', 2_000, { extractStartedAt: 2_500 }),
      layer('downloaded', 500),
    ];
    expect(extractionSecondsLeft(layers, 'seconds', 3_500)).toBe(3 + 1);
    expect(extractionSecondsLeft(layers, 'seconds', 9_000)).toBe(0 + 1); // overdue: nothing left for it, not less
  });

  it('is null before a layer was seen extracted from start to end, or where extraction is not reported', () => {
    expect(extractionSecondsLeft([layer('extracting', 100, { extracted: 0, extractStartedAt: 0 })], 'bytes', 10)).toBeNull();
    expect(extractionSecondsLeft([layer('complete', 100)], 'bytes', 10)).toBeNull();
    expect(extractionSecondsLeft([layer('complete', 100, { extractStartedAt: 0, extractEndedAt: 5 })], null, 10)).toBeNull();
  });

  it('is 0 once every layer is extracted', () => {
    expect(extractionSecondsLeft([layer('complete', 100, { extractStartedAt: 0, extractEndedAt: 5 })], 'seconds', 10)).toBe(0);
  });
});

describe('fitExtraction', () => {
  it('splits a start cost from the pace where the layers differ in size', () => {
    const fit = fitExtraction([
      { bytes: 1_000, seconds: 0.3 },
      { bytes: 9_000, seconds: 0.7 },
    ]);
    expect(fit?.start).toBeCloseTo(0.25, 10);
    expect(fit?.perByte).toBeCloseTo(0.00005, 10);
  });

  it('is a pace alone from one size, and from none is nothing', () => {
    expect(fitExtraction([{ bytes: 2_000, seconds: 1 }])).toEqual({ start: 0, perByte: 0.0005 });
    const fit = fitExtraction([
      { bytes: 1_000, seconds: 0.4 },
      { bytes: 1_100, seconds: 0.5 },
    ]);
    expect(fit).toEqual({ start: 0, perByte: 0.9 / 2_100 });
    expect(fitExtraction([])).toBeNull();
  });

  it('takes the simpler model where the fit comes out backwards', () => {
    // The bigger layer quicker: no pace to tell, a start cost alone (their mean).
    expect(fitExtraction([
      { bytes: 3_000, seconds: 0.21 },
      { bytes: 5_000, seconds: 0.19 },
    ])).toEqual({ start: 0.2, perByte: 0 });
    // A negative start: a pace alone.
    expect(fitExtraction([
      { bytes: 1_000, seconds: 0.1 },
      { bytes: 2_000, seconds: 0.5 },
    ])).toEqual({ start: 0, perByte: 0.6 / 3_000 });
  });
});

describe('unpackSecondsLeft, with a start cost', () => {
  it('times a bigger layer by the start cost and the pace, not by the small layers\' pace alone', () => {
    // dockerd on the bench's `multi`: 3 and 5 MB took 0.2 s each; its 8 MB layer took 0.12 s, not 0.4.
    const layers = [
      layer('complete', 3e6, { extractStartedAt: 0, extractEndedAt: 200 }),
      layer('complete', 5e6, { extractStartedAt: 1_000, extractEndedAt: 1_200 }),
      layer('downloading', 8e6),
    ];
    expect(extractionSecondsLeft(layers, 'bytes', 1_500)).toBeCloseTo(0.2, 10);
  });
});

describe('unpackSecondsLeft, with the engine\'s earlier layers', () => {
  const earlier = [
    { bytes: 3e6, seconds: 0.2 },
    { bytes: 200e6, seconds: 1.2 },
  ];

  it('times the layers by them before one of this pull unpacks (the engine has not said how it counts yet)', () => {
    // Fitted: a start of about 0.185 s and 5.08 ms a MB.
    expect(extractionSecondsLeft([layer('downloading', 100e6), layer('downloading', 10e6)], null, 0, earlier)).toBeCloseTo(0.185 * 2 + 0.00508 * 110, 2);
  });

  it('fits them together with this pull\'s own layers', () => {
    const layers = [layer('complete', 50e6, { extractStartedAt: 0, extractEndedAt: 450 }), layer('downloading', 100e6)];
    const fit = fitExtraction([...earlier, { bytes: 50e6, seconds: 0.45 }])!;
    expect(extractionSecondsLeft(layers, 'bytes', 1_000, earlier)).toBeCloseTo(fit.start + fit.perByte * 100e6, 10);
  });

  it('are what unpackedSamples hands on: the layers unpacked from start to end', () => {
    const layers = [
      layer('complete', 50e6, { extractStartedAt: 0, extractEndedAt: 450 }),
      layer('extracting', 80e6, { extracted: 40e6, extractStartedAt: 500, extractReportedAt: 700 }),
      layer('complete', 20e6), // cached before, or podman: no lines to time
    ];
    expect(unpackedSamples(layers)).toEqual([{ bytes: 50e6, seconds: 0.45 }]);
  });
});

describe('unpackSecondsLeft, with the layer now extracting', () => {
  it('takes its pace from the bytes it extracted so far where the engine counts bytes: a one-layer image has an ETA while it unpacks', () => {
    const layers = [layer('extracting', 1_000, { extracted: 250, extractStartedAt: 0, extractReportedAt: 500 })];
    expect(extractionSecondsLeft(layers, 'bytes', 500)).toBe(1.5); // 250 bytes in 0.5 s, 750 to go
  });

  it('has no pace from its first count alone', () => {
    // dockerd's first count comes with the first chunk: timed to a later frame, 0.1 % in 200 ms promised a minute.
    expect(extractionSecondsLeft([layer('extracting', 1_000, { extracted: 1, extractStartedAt: 0, extractReportedAt: 0 })], 'bytes', 200)).toBeNull();
  });

  it('cannot where the engine counts seconds', () => {
    expect(extractionSecondsLeft([layer('extracting', 1_000, { extractStartedAt: 0 })], 'seconds', 500)).toBeNull();
  });
});

describe('silentEndSecondsLeft', () => {
  const earlier = [
    { bytes: 16e6, seconds: 0.4 },
    { bytes: 200e6, seconds: 1 },
  ];

  it('times an image\'s silent end by the fit of the earlier ones, less the time it has run', () => {
    const fit = fitExtraction(earlier)!;
    expect(silentEndSecondsLeft(100e6, earlier, 0)).toBeCloseTo(fit.start + fit.perByte * 100e6, 10);
    expect(silentEndSecondsLeft(100e6, earlier, 0.5)).toBeCloseTo(fit.start + fit.perByte * 100e6 - 0.5, 10);
    expect(silentEndSecondsLeft(100e6, earlier, 60)).toBe(0);
  });

  it('is null without earlier pulls', () => {
    expect(silentEndSecondsLeft(100e6, [], 0)).toBeNull();
  });
});
