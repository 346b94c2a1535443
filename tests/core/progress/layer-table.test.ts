import { describe, expect, it } from 'vitest';
import { LayerTable } from '../../../server/core/progress/layer-table.ts';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import { A, B, C, T0, downloading, pullingFrom, snap, waiting } from './pull-events.ts';

describe('LayerTable', () => {
  it('keeps layers by id in first-seen order, and counts all but a possible config blob', () => {
    const table = new LayerTable();
    table.add(B, false);
    table.add(A, false);
    table.add(C, true);
    expect(table.all().map((layer) => layer.id)).toEqual([B, A, C]);
    expect(table.counted().map((layer) => layer.id)).toEqual([B, A]);
    expect(table.get(A)?.phase).toBe('waiting');
    expect(table.get('dddddddddddd')).toBeUndefined();
  });

  it('counts only a rise of an attempt as received', () => {
    const table = new LayerTable();
    const layer = table.add(A, false);
    table.receive(layer, 60);
    table.receive(layer, 40);
    expect(layer.received).toBe(60);
    table.receive(layer, 75);
    expect([layer.received, table.receivedTotal]).toEqual([75, 75]);
  });

  it('receives the rest of a known size when the download is done, and nothing of an unknown one', () => {
    const table = new LayerTable();
    const sized = table.add(A, false);
    sized.size = 1000;
    sized.offset = 400;
    table.receive(sized, 100);
    table.receiveAll(sized);
    expect([sized.received, table.receivedTotal]).toEqual([600, 600]);
    const unsized = table.add(B, false);
    table.receive(unsized, 10);
    table.receiveAll(unsized);
    expect([unsized.received, table.receivedTotal]).toEqual([10, 610]);
  });

  it('restarts a download from nothing on a retry, and counts its bytes as received again', () => {
    const table = new LayerTable();
    const layer = table.add(A, false);
    layer.phase = 'downloading';
    layer.size = 100;
    layer.offset = 20;
    table.receive(layer, 50);
    expect(table.restart(layer)).toBe(true);
    expect(layer).toMatchObject({ phase: 'waiting', offset: 0, received: 0, extracted: null, size: 100 });
    table.receive(layer, 30);
    expect(table.receivedTotal).toBe(80);
  });

  it('does not restart a layer that is complete or cached', () => {
    const table = new LayerTable();
    for (const [id, phase] of [[A, 'complete'], [B, 'cached']] as const) {
      const layer = table.add(id, false);
      layer.phase = phase;
      expect(table.restart(layer)).toBe(false);
      expect(layer.phase).toBe(phase);
    }
  });

  it('completes every layer but the cached ones, and counts them all', () => {
    const table = new LayerTable();
    const sized = table.add(A, true);
    sized.size = 100;
    sized.offset = 30;
    table.add(B, false).phase = 'cached';
    table.add(C, false);
    table.completeAll();
    expect(table.counted().map((layer) => [layer.id, layer.phase])).toEqual([
      [A, 'complete'],
      [B, 'cached'],
      [C, 'complete'],
    ]);
    expect(sized).toMatchObject({ received: 70, extracted: 100 });
  });

  it('drops the layers whose id matches', () => {
    const table = new LayerTable();
    table.add(A, false);
    table.add(B, false);
    table.drop((id) => id === A);
    expect(table.all().map((layer) => layer.id)).toEqual([B]);
  });
});

describe('PullProgress', () => {
  describe('layers', () => {
    it('counts every layer once, by id, in first-seen order', () => {
      const s = snap([pullingFrom, waiting(A), waiting(B), waiting(A), downloading(B, 10, 100), waiting(C)]);
      expect(s.total_layers).toBe(3);
      expect(s.layers.map((l) => l.id)).toEqual([A, B, C]);
    });

    it('never lowers download bytes within one attempt', () => {
      const s = snap([pullingFrom, downloading(A, 60, 100), downloading(A, 40, 100)]);
      expect(s.layers[0]!.current).toBe(60);
    });
  });

  describe('retry', () => {
    it('counts re-downloaded bytes as received, so the speed never goes negative', () => {
      const progress = new PullProgress(T0);
      progress.apply(pullingFrom, T0);
      progress.apply(waiting(A), T0);
      progress.apply(downloading(A, 1_000_000, 4_000_000), T0 + 1_000);
      progress.apply({ kind: 'retry', id: A, seconds: 1 }, T0 + 1_500);
      progress.apply(downloading(A, 500_000, 4_000_000), T0 + 2_000);
      const s = progress.snapshot(T0 + 2_000);
      expect(s.speed_bps).toBe(750_000); // 1.5 MB received over 2 s
    });
  });
});
