import { describe, expect, it } from 'vitest';
import { canMove, inHand, isDownloaded, layerSnapshot, newLayer, type Layer } from '../../../server/core/progress/layer.ts';
import type { LayerPhase } from '../../../server/core/types.ts';
import { A, B, cached, complete, downloaded, downloading, pullingFrom, snap, waiting } from './pull-events.ts';

const PHASES: LayerPhase[] = ['waiting', 'downloading', 'verifying', 'downloaded', 'extracting', 'complete', 'cached'];
const at = (fields: Partial<Layer>): Layer => ({ ...newLayer(A, false), ...fields });

describe('canMove', () => {
  it('moves a layer forward through its life, and lets a phase repeat', () => {
    expect(canMove('waiting', 'downloading')).toBe(true);
    expect(canMove('downloading', 'downloading')).toBe(true);
    expect(canMove('downloading', 'complete')).toBe(true);
    expect(canMove('waiting', 'cached')).toBe(true);
  });

  it('never moves a layer back, nor from complete to cached or back', () => {
    expect(canMove('downloaded', 'downloading')).toBe(false);
    expect(canMove('extracting', 'waiting')).toBe(false);
    expect(canMove('complete', 'cached')).toBe(false);
    expect(canMove('cached', 'complete')).toBe(false);
  });
});

describe('isDownloaded', () => {
  it('is true from Download complete on, and for a cached layer', () => {
    expect(PHASES.filter(isDownloaded)).toEqual(['downloaded', 'extracting', 'complete', 'cached']);
  });
});

describe('inHand', () => {
  it("is a resumed attempt's offset plus what it received, at most the size", () => {
    expect(inHand(at({ size: 1000, offset: 500, received: 100 }))).toBe(600);
    expect(inHand(at({ size: 1000, offset: 500, received: 900 }))).toBe(1000);
    expect(inHand(at({ size: null, offset: 0, received: 1500 }))).toBe(1500);
  });
});

describe('layerSnapshot', () => {
  it("shows the bytes its phase counts: download bytes, then extraction bytes, then the size", () => {
    const current = (fields: Partial<Layer>) => layerSnapshot(at({ size: 100, received: 40, hasBytes: true, extracted: 30, ...fields })).current;
    expect(current({ phase: 'waiting' })).toBeNull();
    expect(current({ phase: 'downloading' })).toBe(40);
    expect(current({ phase: 'downloading', hasBytes: false })).toBeNull();
    expect(current({ phase: 'verifying' })).toBe(100);
    expect(current({ phase: 'downloaded', size: null })).toBe(40);
    expect(current({ phase: 'downloaded', size: null, hasBytes: false })).toBeNull();
    expect(current({ phase: 'extracting' })).toBe(30);
    expect(current({ phase: 'complete' })).toBe(100);
    expect(current({ phase: 'cached' })).toBeNull();
  });

  it('lists the id, the phase and the size', () => {
    expect(layerSnapshot(at({ phase: 'downloading', size: 100, received: 10, hasBytes: true }))).toEqual({ id: A, phase: 'downloading', current: 10, total: 100 });
  });
});

describe('PullProgress', () => {
  describe('layers', () => {
    it('never moves a layer backwards: a late Downloading after Download complete is ignored', () => {
      const s = snap([pullingFrom, downloading(A, 60, 100), downloaded(A), downloading(A, 70, 100), waiting(A)]);
      expect(s.layers[0]).toEqual({ id: A, phase: 'downloaded', current: 100, total: 100 });
      expect(s.bytes_done).toBe(100);
    });

    it('does not turn a complete layer into a cached one or back', () => {
      const s = snap([pullingFrom, waiting(A), complete(A), cached(A), cached(B), complete(B)]);
      expect(s.layers.map((l) => l.phase)).toEqual(['complete', 'cached']);
    });
  });
});
