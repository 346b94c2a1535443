import { describe, expect, it } from 'vitest';
import { ImageIds, normalizeImageId, sameImage } from '../../../server/core/progress/image-ids.ts';
import { A, IMAGE_ID, downloaded, snap, waiting } from './pull-events.ts';

describe('normalizeImageId', () => {
  it('drops surrounding space and the sha256: prefix', () => {
    expect(normalizeImageId(` sha256:${IMAGE_ID}\n`)).toBe(IMAGE_ID);
    expect(normalizeImageId('005fbdb959a2')).toBe('005fbdb959a2');
  });
});

describe('sameImage', () => {
  it('matches an id, and a Docker short id of 12 or more characters as a prefix either way', () => {
    expect(sameImage(IMAGE_ID, IMAGE_ID)).toBe(true);
    expect(sameImage('005fbdb959a2', IMAGE_ID)).toBe(true);
    expect(sameImage(IMAGE_ID, '005fbdb959a247e4')).toBe(true);
  });

  it('does not match a prefix shorter than 12 characters, nor another id', () => {
    expect(sameImage('005fbdb959a', IMAGE_ID)).toBe(false);
    expect(sameImage('105fbdb959a2', IMAGE_ID)).toBe(false);
  });
});

describe('ImageIds', () => {
  it('matches the ids noted, by prefix and with or without sha256:', () => {
    const ids = new ImageIds();
    expect(ids.matches('005fbdb959a2')).toBe(false);
    expect(ids.add(`sha256:${IMAGE_ID}`)).toBe(true);
    expect(ids.matches('005fbdb959a2')).toBe(true);
    expect(ids.matches(` ${IMAGE_ID} `)).toBe(true);
    expect(ids.matches(A)).toBe(false);
  });

  it('ignores a blank id', () => {
    const ids = new ImageIds();
    expect(ids.add(' sha256:')).toBe(false);
    expect(ids.matches('')).toBe(false);
  });
});

describe('PullProgress', () => {
  describe('layers', () => {
    it('drops the layer an image event names (by 12-hex prefix) and ignores it later', () => {
      const s = snap([
        waiting(A),
        waiting('005fbdb959a2'),
        { kind: 'image', id: IMAGE_ID },
        downloaded('005fbdb959a2'),
        waiting('005fbdb959a2'),
      ]);
      expect(s.layers.map((l) => l.id)).toEqual([A]);
      expect(s.total_layers).toBe(1);
    });
  });
});
