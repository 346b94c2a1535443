import { describe, expect, it } from 'vitest';
import { EtaCountdown, ETA_TOLERANCE, secondsToReady } from '../../../server/core/progress/eta.ts';

describe('secondsToReady', () => {
  it('is the bytes left at the rate, plus the extraction left where known', () => {
    expect(secondsToReady(10_000_000, 1_000_000, null)).toBe(10);
    expect(secondsToReady(10_000_000, 1_000_000, 2.5)).toBe(12.5);
  });

  it('is the extraction left alone once every byte is in', () => {
    expect(secondsToReady(0, null, 3)).toBe(3);
    expect(secondsToReady(0, null, null)).toBe(0);
  });

  it('is null with bytes left and no rate, or none', () => {
    expect(secondsToReady(1, null, 3)).toBeNull();
    expect(secondsToReady(1, 0, null)).toBeNull();
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
