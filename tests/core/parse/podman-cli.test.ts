import { describe, expect, it } from 'vitest';
import { parsePodmanCliLine } from '../../../server/core/parse/podman-cli.ts';

const BLOB = 'f8b2b38f9424781c171fcd41de076309a138802dac3b58e24f5bf4116725e0e1';
const IMAGE_ID = '005fbdb959a247e448b5a62f99656926e4b399a6cc44ebf93c7de3e56ff2eb75';

describe('parsePodmanCliLine', () => {
  it.each([
    ['Trying to pull 127.0.0.1:5000/feas/multi:1...', { kind: 'resolving', message: 'Trying to pull 127.0.0.1:5000/feas/multi:1...' }],
    ['Getting image source signatures', { kind: 'resolving', message: 'Getting image source signatures' }],
    [`Copying blob sha256:${BLOB}`, { kind: 'layer', id: 'f8b2b38f9424', phase: 'waiting' }],
    [`Copying blob sha256:${BLOB} skipped: already exists`, { kind: 'layer', id: 'f8b2b38f9424', phase: 'cached' }],
    ['Copying blob f8b2b38f9424 skipped: already exists', { kind: 'layer', id: 'f8b2b38f9424', phase: 'cached' }],
    [`Copying blob sha256:${BLOB} done`, { kind: 'layer', id: 'f8b2b38f9424', phase: 'downloaded' }],
    ['Copying blob f8b2b38f9424 done   | ', { kind: 'layer', id: 'f8b2b38f9424', phase: 'downloaded' }],
    [`Copying config sha256:${IMAGE_ID}`, { kind: 'finalizing', message: `Copying config sha256:${IMAGE_ID}` }],
    ['Writing manifest to image destination', { kind: 'finalizing', message: 'Writing manifest to image destination' }],
    ['Storing signatures', { kind: 'finalizing', message: 'Storing signatures' }],
    [IMAGE_ID, { kind: 'image', id: IMAGE_ID }],
    [
      'Error: initializing source docker://127.0.0.1:5000/feas/nope:1: reading manifest 1 in 127.0.0.1:5000/feas/nope: manifest unknown: manifest unknown',
      {
        kind: 'error',
        message:
          'initializing source docker://127.0.0.1:5000/feas/nope:1: reading manifest 1 in 127.0.0.1:5000/feas/nope: manifest unknown: manifest unknown',
      },
    ],
    ['WARN[0000] Failed to decode the keys', { kind: 'note', message: 'WARN[0000] Failed to decode the keys' }],
  ])('reads %s', (line, event) => {
    expect(parsePodmanCliLine(line)).toEqual(event);
  });

  it('does not take the config blob for a layer', () => {
    expect(parsePodmanCliLine(`Copying config sha256:${IMAGE_ID}`).kind).toBe('finalizing');
  });

  it.each(['real\t0m0.293s', 'user\t0m0.236s', '{"stream":"x"}', 'f8b2b38f9424'])('never throws: %j is unparsed', (line) => {
    expect(parsePodmanCliLine(line)).toEqual({ kind: 'unparsed', line });
  });
});
