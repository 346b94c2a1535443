import { describe, expect, it } from 'vitest';
import { STALLED_AFTER_MS, stalledSeconds } from '../../../server/core/progress/stalled.ts';

describe('stalledSeconds', () => {
  it(`is the whole seconds since the last progress from ${STALLED_AFTER_MS / 1000} s on, while downloading`, () => {
    expect(STALLED_AFTER_MS).toBe(15_000);
    expect(stalledSeconds('downloading', 1_000, 1_000 + STALLED_AFTER_MS - 1)).toBeNull();
    expect(stalledSeconds('downloading', 1_000, 1_000 + STALLED_AFTER_MS)).toBe(15);
    expect(stalledSeconds('downloading', 1_000, 21_999)).toBe(20);
  });

  it('is null in any other phase, and before any progress', () => {
    for (const phase of ['resolving', 'extracting', 'finalizing', null] as const) expect(stalledSeconds(phase, 0, 60_000), String(phase)).toBeNull();
    expect(stalledSeconds('downloading', null, 60_000)).toBeNull();
  });
});
