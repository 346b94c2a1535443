import { describe, expect, it } from 'vitest';
import { layerWeights } from '../../../server/core/progress/layer-weights.ts';

describe('layerWeights', () => {
  it('weighs a layer by its size, an unknown size by the mean of the known ones', () => {
    expect(layerWeights([100, null, 300])).toEqual([100, 200, 300]);
  });

  it('weighs every layer 1 while no size is known', () => {
    expect(layerWeights([null, null])).toEqual([1, 1]);
    expect(layerWeights([])).toEqual([]);
  });
});
