import { describe, expect, it } from 'vitest';
import { engineCandidates, parseEngineEndpoint } from '../../server/core/engine-endpoint.ts';

describe('parseEngineEndpoint', () => {
  it('reads unix sockets and tcp addresses', () => {
    expect(parseEngineEndpoint('unix:///run/podman/podman.sock')).toEqual({ kind: 'unix', path: '/run/podman/podman.sock', display: 'unix:///run/podman/podman.sock' });
    expect(parseEngineEndpoint('tcp://10.0.0.12:2375')).toEqual({ kind: 'tcp', baseUrl: 'http://10.0.0.12:2375', display: 'tcp://10.0.0.12:2375' });
    expect(parseEngineEndpoint('http://127.0.0.1:2375/')).toMatchObject({ kind: 'tcp', baseUrl: 'http://127.0.0.1:2375' });
  });

  it.each(['unix://relative.sock', 'https://host:2376', 'ssh://me@host', '/run/docker.sock', ''])('refuses %j with advice', (text) => {
    expect(() => parseEngineEndpoint(text)).toThrow('write unix:///path/to/engine.sock or tcp://host:port');
  });
});

describe('engineCandidates', () => {
  it('prefers --engine, then DOCKER_HOST, then CONTAINER_HOST', () => {
    expect(engineCandidates('tcp://a:1', { DOCKER_HOST: 'tcp://b:2' })).toEqual(['tcp://a:1']);
    expect(engineCandidates(undefined, { DOCKER_HOST: 'tcp://b:2', CONTAINER_HOST: 'tcp://c:3' })).toEqual(['tcp://b:2']);
    expect(engineCandidates(undefined, { CONTAINER_HOST: 'unix:///c.sock' })).toEqual(['unix:///c.sock']);
  });

  it('falls back to the usual sockets, the user podman socket last', () => {
    expect(engineCandidates(undefined, {})).toEqual(['unix:///var/run/docker.sock', 'unix:///run/podman/podman.sock']);
    expect(engineCandidates(undefined, { XDG_RUNTIME_DIR: '/run/user/1000' }).at(-1)).toBe('unix:///run/user/1000/podman/podman.sock');
  });
});
