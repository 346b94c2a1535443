import { describe, expect, it } from 'vitest';
import { EtaCountdown, ETA_TOLERANCE, secondsToReady, slowestLayerSeconds } from '../../../server/core/progress/eta.ts';
import { newLayer, type Layer } from '../../../server/core/progress/layer.ts';

const MB = 1_000_000;

/** A layer in download: `size` bytes, `received` of them, at `bytesPerSecond` from its first report at 0 ms to its latest at 2 s. */
function downloading(size: number, received: number, bytesPerSecond: number): Layer {
  const pace = { firstAt: 0, firstReceived: received - bytesPerSecond * 2, lastAt: 2_000 };
  return { ...newLayer(`l${size}`, false), phase: 'downloading', size, received, pace };
}

describe('secondsToReady', () => {
  it('is the bytes left at the rate, plus the extraction left where known', () => {
    expect(secondsToReady(10_000_000, 1_000_000, null)).toBe(10);
    expect(secondsToReady(10_000_000, 1_000_000, 2.5)).toBe(12.5);
  });

  it('is the extraction left alone once every byte is in', () => {
    expect(secondsToReady(0, null, 3)).toBe(3);
    expect(secondsToReady(0, null, null)).toBe(0);
  });

  it('is the slowest layer\'s time where that is later than the total rate\'s', () => {
    expect(secondsToReady(10 * MB, MB, null, 14)).toBe(14);
    expect(secondsToReady(10 * MB, MB, 1, 4)).toBe(11);
  });

  it('is null with bytes left and no rate, or none', () => {
    expect(secondsToReady(1, null, 3)).toBeNull();
    expect(secondsToReady(1, 0, null)).toBeNull();
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
    expect(secondsToReady(9.5 * MB, 3 * MB, null, slowestLayerSeconds(layers, now))).toBe(6);
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
