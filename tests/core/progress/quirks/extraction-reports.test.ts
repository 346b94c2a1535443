import { describe, expect, it } from 'vitest';
import { isLayerFinished, revealsExtraction } from '../../../../server/core/progress/quirks/extraction-reports.ts';
import { A, B, complete, downloaded, layer, pullingFrom, snap, waiting } from '../pull-events.ts';

describe('revealsExtraction', () => {
  it("is true for dockerd's Pulling from, and for a layer extracting or complete", () => {
    expect(revealsExtraction(pullingFrom)).toBe(true);
    expect(revealsExtraction(layer(A, 'extracting', { current: 3, units: 's' }))).toBe(true);
    expect(revealsExtraction(complete(A))).toBe(true);
  });

  it("is false for podman's lines and every other event", () => {
    expect(revealsExtraction({ kind: 'resolving', message: 'Trying to pull 127.0.0.1:5000/feas/x:1...' })).toBe(false);
    expect(revealsExtraction(downloaded(A))).toBe(false);
    expect(revealsExtraction({ kind: 'finalizing', message: 'Writing manifest to image destination' })).toBe(false);
  });
});

describe('isLayerFinished', () => {
  it('finishes a layer when complete, on any engine', () => {
    expect(isLayerFinished('complete', true)).toBe(true);
    expect(isLayerFinished('complete', false)).toBe(true);
  });

  it('finishes a downloaded layer only where the engine never reports extraction', () => {
    expect(isLayerFinished('downloaded', false)).toBe(true);
    expect(isLayerFinished('extracting', false)).toBe(true);
    expect(isLayerFinished('downloaded', true)).toBe(false);
    expect(isLayerFinished('extracting', true)).toBe(false);
  });

  it('never finishes a layer still downloading, nor a cached one', () => {
    for (const phase of ['waiting', 'downloading', 'verifying', 'cached'] as const) {
      expect(isLayerFinished(phase, false), phase).toBe(false);
    }
  });
});

describe('PullProgress', () => {
  describe('layer (finished count)', () => {
    it('counts downloaded-and-extracted layers where the engine reports extraction', () => {
      const s = snap([pullingFrom, waiting(A), waiting(B), downloaded(A), downloaded(B), complete(B)]);
      expect(s.layer).toBe(1);
      expect(s.total_layers).toBe(2);
    });

    it('counts downloaded layers where the engine never reports extraction (podman)', () => {
      const s = snap([waiting(A), waiting(B), downloaded(A)]);
      expect(s.layer).toBe(1);
      expect(s.total_layers).toBe(2);
    });
  });
});
