import { describe, expect, it } from 'vitest';
import { layerStatusEvent } from '../../../server/core/parse/layer-status.ts';

const ID = 'd9b9504b1033';

describe('layerStatusEvent', () => {
  it.each([
    ['Pulling fs layer', 'waiting'],
    ['Waiting', 'waiting'],
    ['Verifying Checksum', 'verifying'],
    ['Download complete', 'downloaded'],
    ['Pull complete', 'complete'],
    ['Already exists', 'cached'],
  ] as const)('maps %s to layer phase %s', (status, phase) => {
    expect(layerStatusEvent(status, ID)).toEqual({ kind: 'layer', id: ID, phase });
  });

  it('carries current and total of Downloading', () => {
    expect(layerStatusEvent('Downloading', ID, { current: 447488, total: 3146606 })).toEqual({
      kind: 'layer',
      id: ID,
      phase: 'downloading',
      current: 447488,
      total: 3146606,
    });
  });

  it('carries current, total and units of Extracting (containerd counts seconds)', () => {
    expect(layerStatusEvent('Extracting', ID, { current: 32768, total: 3146606 })).toEqual({
      kind: 'layer',
      id: ID,
      phase: 'extracting',
      current: 32768,
      total: 3146606,
    });
    expect(layerStatusEvent('Extracting', ID, { current: 3, units: 's' })).toEqual({
      kind: 'layer',
      id: ID,
      phase: 'extracting',
      current: 3,
      units: 's',
    });
  });

  it('ignores progress detail of phases without numbers', () => {
    expect(layerStatusEvent('Download complete', ID, { current: 5, total: 9 })).toEqual({
      kind: 'layer',
      id: ID,
      phase: 'downloaded',
    });
  });

  it('maps Retrying in N seconds to retry', () => {
    expect(layerStatusEvent('Retrying in 5 seconds', ID)).toEqual({ kind: 'retry', id: ID, seconds: 5 });
    expect(layerStatusEvent('Retrying in 1 second', ID)).toEqual({ kind: 'retry', id: ID, seconds: 1 });
  });

  it('maps Pulling from to resolving that announces extraction, not to a layer', () => {
    expect(layerStatusEvent('Pulling from feas/multi', '1')).toEqual({
      kind: 'resolving',
      message: 'Pulling from feas/multi',
      reportsExtraction: true,
    });
  });

  it('maps Digest: and Status: to finalizing', () => {
    expect(layerStatusEvent('Digest: sha256:a51e0c0d', undefined)).toEqual({
      kind: 'finalizing',
      message: 'Digest: sha256:a51e0c0d',
    });
    expect(layerStatusEvent('Status: Image is up to date for x:1', undefined)).toEqual({
      kind: 'finalizing',
      message: 'Status: Image is up to date for x:1',
    });
  });

  it('maps unknown words, and layer words without an id, to notes', () => {
    expect(layerStatusEvent('Pulling repository x', ID)).toEqual({
      kind: 'note',
      message: `${ID}: Pulling repository x`,
    });
    expect(layerStatusEvent('Download complete', undefined)).toEqual({ kind: 'note', message: 'Download complete' });
    expect(layerStatusEvent('Waiting', '  ')).toEqual({ kind: 'note', message: 'Waiting' });
  });
});
