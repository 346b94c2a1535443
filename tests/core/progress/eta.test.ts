import { describe, expect, it } from 'vitest';
import { downloadSeconds, EtaCountdown, ETA_TOLERANCE, secondsToReady, slowestLayerSeconds } from '../../../server/core/progress/eta.ts';
import { newLayer, type Layer } from '../../../server/core/progress/layer.ts';

const MB = 1_000_000;

/** A layer in download: `size` bytes, `received` of them, at `bytesPerSecond` from its first report at 0 ms to its latest at 2 s. */
function downloading(size: number, received: number, bytesPerSecond: number): Layer {
  const pace = { firstAt: 0, firstReceived: received - bytesPerSecond * 2, lastAt: 2_000 };
  return { ...newLayer(`l${size}`, false), phase: 'downloading', size, received, pace };
}

describe('downloadSeconds', () => {
  it('is the bytes left at the rate', () => {
    expect(downloadSeconds(10_000_000, 1_000_000)).toBe(10);
  });

  it('is the slowest layer\'s time where that is later than the total rate\'s', () => {
    expect(downloadSeconds(10 * MB, MB, 14)).toBe(14);
    expect(downloadSeconds(10 * MB, MB, 4)).toBe(10);
  });

  it('is 0 with every byte in, and null with bytes left and no rate, or none', () => {
    expect(downloadSeconds(0, null)).toBe(0);
    expect(downloadSeconds(1, null, 3)).toBeNull();
    expect(downloadSeconds(1, 0)).toBeNull();
  });
});

describe('secondsToReady', () => {
  const now = 2_000;
  const unpacked = (size: number): Layer => ({ ...downloading(size, size, MB), phase: 'downloaded' });

  it('adds only the unpacking left after the last byte: the layers before unpack while it downloads', () => {
    // 3 and 5 MB in 0.5 and 3 s, 8 MB in 6 s; each unpacks in 0.2 s, in order, once its bytes are in.
    const layers = [downloading(3 * MB, 2.5 * MB, MB), downloading(5 * MB, 2 * MB, MB), downloading(8 * MB, 2 * MB, MB)];
    expect(secondsToReady(layers, now, 6, [0.2, 0.2, 0.2])).toBeCloseTo(6.2, 10);
  });

  it('waits for the layers before, in order: a layer unpacks after the one before it', () => {
    // The first layer's 5 s of unpacking hold up the second, whose bytes are in at 1 s.
    const layers = [unpacked(3 * MB), downloading(3 * MB, 2 * MB, MB)];
    expect(secondsToReady(layers, now, 1, [5, 0.5])).toBe(5.5);
  });

  it('ends the layers\' own readings with the pull\'s download reading (the total rate said later)', () => {
    // Own readings 1 and 2 s, the total rate 4 s: scaled to 2 and 4 s, then 1 s of unpacking for the last.
    const layers = [downloading(4 * MB, 3 * MB, MB), downloading(4 * MB, 2 * MB, MB)];
    expect(secondsToReady(layers, now, 4, [0.5, 1])).toBe(5);
  });

  it('is the download reading with nothing to unpack, and the unpacking alone with every byte in', () => {
    const layers = [downloading(4 * MB, 2 * MB, MB)];
    expect(secondsToReady(layers, now, 2, [])).toBe(2);
    expect(secondsToReady([unpacked(MB), unpacked(MB)], now, 0, [1, 2])).toBe(3);
  });
});

describe('slowestLayerSeconds', () => {
  // Seen 2 s after each layer's first report (at 0 ms).
  const now = 2_000;

  it('is the longest of the layers\' bytes left at their own rates', () => {
    // Each download paced on its own: the small layers end first, and the 8 MB one takes 6 s more at 1 MB/s.
    const layers = [downloading(3 * MB, 2.5 * MB, MB), downloading(8 * MB, 2 * MB, MB), downloading(5 * MB, 2 * MB, MB)];
    expect(slowestLayerSeconds(layers, now)).toBe(6);
    // The total rate alone (3 MB/s for 9.5 MB) would have said 3.2 s.
    expect(downloadSeconds(9.5 * MB, 3 * MB, slowestLayerSeconds(layers, now))).toBe(6);
  });

  it('leaves out layers downloaded, without a size, without a second of history or without a byte in it', () => {
    const done = { ...downloading(9 * MB, 9 * MB, MB), phase: 'downloaded' as const };
    const unsized = { ...downloading(9 * MB, MB, MB), size: null };
    const young = { ...downloading(9 * MB, MB, MB), pace: { firstAt: 1_500, firstReceived: 0, lastAt: 2_000 } };
    const still = { ...downloading(9 * MB, MB, MB), pace: { firstAt: 0, firstReceived: MB, lastAt: 2_000 } };
    expect(slowestLayerSeconds([done, unsized, young, still], now)).toBeNull();
    expect(slowestLayerSeconds([done, downloading(4 * MB, 2 * MB, MB)], now)).toBe(2);
  });

  it('counts down the time since a layer\'s latest report rather than taking it as a pause', () => {
    // podman reports once a second: half a second after its report, the layer is half a second nearer.
    expect(slowestLayerSeconds([downloading(4 * MB, 2 * MB, MB)], 2_500)).toBe(1.5);
  });
});

describe('EtaCountdown', () => {
  it('counts down by the time passed while new estimates stay within the tolerance', () => {
    const eta = new EtaCountdown();
    expect(eta.show(60, 0)).toBe(60);
    expect(eta.show(62, 1_000)).toBe(59); // 62 vs 59: within 10 %
    expect(eta.show(50, 5_000)).toBe(55); // 50 vs 55: within 10 %
  });

  it(`moves to a new estimate that differs by more than ${ETA_TOLERANCE * 100} % (and more than a second)`, () => {
    const eta = new EtaCountdown();
    expect(eta.show(60, 0)).toBe(60);
    expect(eta.show(80, 1_000)).toBe(80);
    expect(eta.show(60, 2_000)).toBe(60);
    expect(eta.show(3.5, 3_000)).toBe(4);
    expect(eta.show(3.4, 3_500)).toBe(3); // 3.0 left on the countdown; 0.4 s is no news
  });

  it('takes the estimate when the countdown has run out', () => {
    const eta = new EtaCountdown();
    eta.show(2, 0);
    expect(eta.show(2.5, 2_500)).toBe(3);
  });

  it('forgets the countdown when there is no estimate', () => {
    const eta = new EtaCountdown();
    eta.show(60, 0);
    expect(eta.show(null, 1_000)).toBeNull();
    expect(eta.show(61, 2_000)).toBe(61);
  });
});
