import { describe, expect, it } from 'vitest';
import { namesPlannedLayer, planLayerId } from '../../../server/core/progress/layer-plan.ts';

const DIGEST = 'sha256:593b29195c79aa7a0f6c1d0d3a3f1e7b9a5a0b8f4c2d6e1f3a9b8c7d6e5f4a3b';

describe('planLayerId', () => {
  it("is the digest's first 12 hex digits, as engines name layers", () => {
    expect(planLayerId(DIGEST)).toBe('593b29195c79');
    expect(planLayerId('593b29195c79aa7a')).toBe('593b29195c79');
  });
});

describe('namesPlannedLayer', () => {
  it('matches the short id and the full digest, nothing else', () => {
    expect(namesPlannedLayer('593b29195c79', '593b29195c79')).toBe(true);
    expect(namesPlannedLayer(DIGEST, '593b29195c79')).toBe(true);
    expect(namesPlannedLayer('593b29195c7a', '593b29195c79')).toBe(false);
    expect(namesPlannedLayer('593b2919', '593b29195c79')).toBe(false);
  });
});
