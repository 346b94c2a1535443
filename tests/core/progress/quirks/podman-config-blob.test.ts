import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../../server/core/progress/aggregate.ts';
import { mayBePodmanConfigBlob } from '../../../../server/core/progress/quirks/podman-config-blob.ts';
import type { LayerPhase } from '../../../../server/core/types.ts';

const layers = (...phases: LayerPhase[]) => phases.map((phase) => ({ phase }));

describe('mayBePodmanConfigBlob', () => {
  it('suspects a blob first seen once every known layer is downloaded or cached', () => {
    expect(mayBePodmanConfigBlob(layers('downloaded', 'cached', 'downloaded'), false)).toBe(true);
  });

  it('does not suspect the first blob, nor one seen while a layer is still downloading', () => {
    expect(mayBePodmanConfigBlob([], false)).toBe(false);
    expect(mayBePodmanConfigBlob(layers('downloaded', 'downloading'), false)).toBe(false);
    expect(mayBePodmanConfigBlob(layers('downloaded', 'verifying'), false)).toBe(false);
  });

  it('never suspects a blob where the engine reports extraction (dockerd)', () => {
    expect(mayBePodmanConfigBlob(layers('complete', 'complete'), true)).toBe(false);
  });
});

describe('PullProgress', () => {
  it('does not count podman\'s config blob as a layer, even before it is named as the image', () => {
    const progress = new PullProgress(0);
    const layer = (id: string, phase: LayerPhase, current?: number, total?: number) =>
      progress.apply({ kind: 'layer', id, phase, ...(current === undefined ? {} : { current, total }) }, 1);
    for (const id of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']) layer(id, 'waiting');
    layer('aaaaaaaaaaaa', 'downloading', 10, 100);
    for (const id of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']) layer(id, 'downloaded');
    // The config, announced like a layer once the layers are done:
    layer('005fbdb959a2', 'waiting');
    expect(progress.snapshot(2)).toMatchObject({ total_layers: 3, layer: 3 });
    layer('005fbdb959a2', 'downloaded');
    expect(progress.snapshot(2)).toMatchObject({ total_layers: 3, layer: 3 });
    layer('005fbdb959a2', 'downloaded');
    progress.complete(3);
    expect(progress.snapshot(3)).toMatchObject({ total_layers: 3, layer: 3, percent: 100 });
  });

  it('counts a late blob as a layer once it shows bytes, or when the pull completes', () => {
    const progress = new PullProgress(0);
    const layer = (id: string, phase: LayerPhase, current?: number, total?: number) =>
      progress.apply({ kind: 'layer', id, phase, ...(current === undefined ? {} : { current, total }) }, 1);
    layer('aaaaaaaaaaaa', 'waiting');
    layer('aaaaaaaaaaaa', 'downloaded');
    layer('bbbbbbbbbbbb', 'waiting');
    expect(progress.snapshot(2).total_layers).toBe(1);
    layer('bbbbbbbbbbbb', 'downloading', 5, 50);
    expect(progress.snapshot(2).total_layers).toBe(2);
    layer('cccccccccccc', 'waiting');
    layer('bbbbbbbbbbbb', 'downloaded');
    layer('dddddddddddd', 'waiting');
    layer('dddddddddddd', 'downloaded');
    progress.complete(3);
    expect(progress.snapshot(3)).toMatchObject({ total_layers: 4, layer: 4 });
  });
});
