import { describe, expect, it } from 'vitest';
import {
  MAX_SPEED_SAMPLES,
  MIN_SPEED_HISTORY_MS,
  SPEED_WINDOW_MS,
  SpeedMeter,
} from '../../../server/core/progress/speed.ts';

const T0 = 1_795_732_000_000;

describe('SpeedMeter', () => {
  it('has a ~5 s window and needs 1 s of history', () => {
    expect(SPEED_WINDOW_MS).toBe(5_000);
    expect(MIN_SPEED_HISTORY_MS).toBe(1_000);
  });

  it('gives null with no samples or under 1 s of history', () => {
    const meter = new SpeedMeter();
    expect(meter.bytesPerSecond(T0)).toBeNull();
    expect(meter.historyMs(T0)).toBe(0);
    meter.record(T0, 0);
    meter.record(T0 + 500, 1_000_000);
    expect(meter.historyMs(T0 + 999)).toBe(999);
    expect(meter.bytesPerSecond(T0 + 999)).toBeNull();
    expect(meter.bytesPerSecond(T0 + 1_000)).toBe(1_000_000);
  });

  it('measures a steady rate exactly', () => {
    const meter = new SpeedMeter();
    for (let s = 0; s <= 10; s++) meter.record(T0 + s * 1_000, s * 4_000_000);
    expect(meter.bytesPerSecond(T0 + 10_000)).toBe(4_000_000);
  });

  it('forgets what happened before the window', () => {
    const meter = new SpeedMeter();
    meter.record(T0, 0);
    meter.record(T0 + 1_000, 50_000_000); // a burst
    for (let s = 2; s <= 8; s++) meter.record(T0 + s * 1_000, 50_000_000 + (s - 1) * 1_000_000);
    // Window [3 s, 8 s]: 5 MB in 5 s.
    expect(meter.bytesPerSecond(T0 + 8_000)).toBe(1_000_000);
  });

  it('decays to 0 during a stall and keeps its history', () => {
    const meter = new SpeedMeter();
    meter.record(T0, 0);
    meter.record(T0 + 2_000, 2_000_000);
    expect(meter.bytesPerSecond(T0 + 4_000)).toBe(500_000); // 2 MB over 4 s
    expect(meter.bytesPerSecond(T0 + 6_999)).toBe(400_000); // window still holds the 2 MB that landed at 2 s
    expect(meter.bytesPerSecond(T0 + 7_000)).toBe(0); // window [2 s, 7 s]: nothing new
    meter.record(T0 + 60_000, 2_000_000);
    expect(meter.historyMs(T0 + 60_000)).toBeGreaterThanOrEqual(SPEED_WINDOW_MS);
    expect(meter.bytesPerSecond(T0 + 60_000)).toBe(0);
  });

  it('never goes negative: a lower total or an earlier time is clamped', () => {
    const meter = new SpeedMeter();
    meter.record(T0, 1_000);
    meter.record(T0 + 1_000, 500);
    meter.record(T0 + 500, 2_000);
    expect(meter.bytesPerSecond(T0 + 2_000)).toBe(500);
  });

  it('keeps a bounded number of samples however often it is fed', () => {
    const meter = new SpeedMeter();
    for (let ms = 0; ms <= 20_000; ms++) meter.record(T0 + ms, ms * 1_000);
    expect(meter.sampleCount).toBeLessThanOrEqual(MAX_SPEED_SAMPLES);
    const bps = meter.bytesPerSecond(T0 + 20_000)!;
    expect(bps).toBeGreaterThan(990_000);
    expect(bps).toBeLessThanOrEqual(1_010_000);

    const capped = new SpeedMeter({ maxSamples: 4, minSampleSpacingMs: 0 });
    for (let ms = 0; ms < 100; ms++) capped.record(T0 + ms * 10, ms);
    expect(capped.sampleCount).toBe(4);
  });

  it('merges samples closer than the spacing but keeps the baseline', () => {
    const meter = new SpeedMeter({ minSampleSpacingMs: 100 });
    meter.record(T0, 0);
    meter.record(T0 + 10, 10);
    meter.record(T0 + 20, 20);
    meter.record(T0 + 1_000, 1_000);
    expect(meter.sampleCount).toBe(3);
    expect(meter.bytesPerSecond(T0 + 1_000)).toBe(1_000);
  });

  it('rejects bad options', () => {
    expect(() => new SpeedMeter({ windowMs: 0 })).toThrow("'windowMs' must be positive");
    expect(() => new SpeedMeter({ maxSamples: 1 })).toThrow("'maxSamples' must be an integer of at least 2");
  });
});
