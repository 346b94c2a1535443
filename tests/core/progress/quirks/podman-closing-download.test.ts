import { describe, expect, it } from 'vitest';
import { isPodmanClosingDownload } from '../../../../server/core/progress/quirks/podman-closing-download.ts';
import { A, B, C, downloaded, pullingFrom, snap, waiting, cached } from '../pull-events.ts';

describe('isPodmanClosingDownload', () => {
  it('reads a Download complete for an id never announced as naming the image', () => {
    expect(isPodmanClosingDownload('downloaded', undefined, false)).toBe(true);
  });

  it('reads a second Download complete, or one for a cached blob, as naming the image', () => {
    expect(isPodmanClosingDownload('downloaded', { phase: 'downloaded' }, false)).toBe(true);
    expect(isPodmanClosingDownload('downloaded', { phase: 'cached' }, false)).toBe(true);
  });

  it("reads a layer's own first Download complete, and any other phase, as the layer's", () => {
    expect(isPodmanClosingDownload('downloaded', { phase: 'waiting' }, false)).toBe(false);
    expect(isPodmanClosingDownload('downloaded', { phase: 'downloading' }, false)).toBe(false);
    expect(isPodmanClosingDownload('waiting', undefined, false)).toBe(false);
  });

  it('never applies where the engine reports extraction (dockerd repeats Download complete for a layer)', () => {
    expect(isPodmanClosingDownload('downloaded', { phase: 'downloaded' }, true)).toBe(false);
    expect(isPodmanClosingDownload('downloaded', undefined, true)).toBe(false);
  });
});

describe('PullProgress', () => {
  describe('layers', () => {
    it("does not count podman's closing Download complete: its id is the image id", () => {
      const events = [waiting(A), waiting(B), downloaded(A), downloaded(B), waiting(C), downloaded(C)];
      const before = snap(events);
      expect(before.total_layers).toBe(2); // the config blob, announced after the layers, is held back
      const after = snap([...events, downloaded(C)]);
      expect(after.total_layers).toBe(2);
      expect(after.layer).toBe(2);
      expect(after.layers.map((l) => l.id)).toEqual([A, B]);
    });

    it('does not count a podman Download complete for an id never announced', () => {
      const s = snap([cached(A), downloaded('005fbdb959a2')]);
      expect(s.total_layers).toBe(0);
      expect(s.layers_cached).toBe(1);
      expect(s.layers.map((l) => l.id)).toEqual([A]);
    });

    it('keeps a repeated Download complete of dockerd as the same layer', () => {
      const s = snap([pullingFrom, waiting(A), downloaded(A), downloaded(A)]);
      expect(s.total_layers).toBe(1);
      expect(s.layers[0]!.phase).toBe('downloaded');
    });
  });
});
