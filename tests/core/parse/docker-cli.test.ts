import { describe, expect, it } from 'vitest';
import { parseDockerCliLine } from '../../../server/core/parse/docker-cli.ts';

describe('parseDockerCliLine', () => {
  it.each([
    ['1: Pulling from feas/multi', { kind: 'resolving', message: 'Pulling from feas/multi', reportsExtraction: true }],
    ['latest: Pulling from library/busybox', { kind: 'resolving', message: 'Pulling from library/busybox', reportsExtraction: true }],
    ['d9b9504b1033: Pulling fs layer', { kind: 'layer', id: 'd9b9504b1033', phase: 'waiting' }],
    ['d9b9504b1033: Waiting', { kind: 'layer', id: 'd9b9504b1033', phase: 'waiting' }],
    ['d9b9504b1033: Verifying Checksum', { kind: 'layer', id: 'd9b9504b1033', phase: 'verifying' }],
    ['d9b9504b1033: Download complete', { kind: 'layer', id: 'd9b9504b1033', phase: 'downloaded' }],
    ['d9b9504b1033: Pull complete', { kind: 'layer', id: 'd9b9504b1033', phase: 'complete' }],
    ['6f0423e3ae07: Already exists', { kind: 'layer', id: '6f0423e3ae07', phase: 'cached' }],
    ['f8b2b38f9424: Retrying in 5 seconds', { kind: 'retry', id: 'f8b2b38f9424', seconds: 5 }],
    [
      'Digest: sha256:a51e0c0dc6ba37bc0db59afe5ad139edbd4b1a3593a696fd86bd65b65f34a252',
      { kind: 'finalizing', message: 'Digest: sha256:a51e0c0dc6ba37bc0db59afe5ad139edbd4b1a3593a696fd86bd65b65f34a252' },
    ],
    [
      'Status: Downloaded newer image for 127.0.0.1:5000/feas/multi:1',
      { kind: 'finalizing', message: 'Status: Downloaded newer image for 127.0.0.1:5000/feas/multi:1' },
    ],
    ['127.0.0.1:5000/feas/multi:1', { kind: 'finalizing', message: '127.0.0.1:5000/feas/multi:1' }],
    ['docker.io/library/alpine:latest', { kind: 'finalizing', message: 'docker.io/library/alpine:latest' }],
    ['Using default tag: latest', { kind: 'note', message: 'Using default tag: latest' }],
    ['abc123def456: Something new', { kind: 'note', message: 'abc123def456: Something new' }],
  ])('reads %s', (line, event) => {
    expect(parseDockerCliLine(line)).toEqual(event);
  });

  it('reads daemon errors and Error lines as errors', () => {
    expect(
      parseDockerCliLine(
        'Error response from daemon: manifest for 127.0.0.1:5000/feas/nope:1 not found: manifest unknown: manifest unknown',
      ),
    ).toEqual({
      kind: 'error',
      message: 'manifest for 127.0.0.1:5000/feas/nope:1 not found: manifest unknown: manifest unknown',
    });
    expect(parseDockerCliLine('Error: No such image: x:1')).toEqual({ kind: 'error', message: 'No such image: x:1' });
    expect(parseDockerCliLine('error pulling image configuration: unexpected EOF')).toEqual({
      kind: 'error',
      message: 'error pulling image configuration: unexpected EOF',
    });
  });

  it('strips a trailing CR and surrounding spaces', () => {
    expect(parseDockerCliLine('  d9b9504b1033: Pull complete\r')).toEqual({
      kind: 'layer',
      id: 'd9b9504b1033',
      phase: 'complete',
    });
  });

  it.each(['What now?', '{"status":"Waiting"}', '\u001b[2K\r', 'real\t0m0.293s'])('never throws: %j is unparsed', (line) => {
    expect(parseDockerCliLine(line)).toEqual({ kind: 'unparsed', line });
  });
});
