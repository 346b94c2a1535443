import { describe, expect, it } from 'vitest';
import { errorCodeFor } from '../../../server/core/progress/error-code.ts';

describe('errorCodeFor', () => {
  it.each([
    ['manifest for x:1 not found: manifest unknown: manifest unknown', 'pull.not_found'],
    ['reading manifest 1 in 127.0.0.1:5000/feas/nope: manifest unknown', 'pull.not_found'],
    ['repository feas/nope not found', 'pull.not_found'],
    ['image does not exist', 'pull.not_found'],
    ['"/usr/bin/docker pull" was killed by SIGKILL', 'pull.interrupted'],
    ['the engine closed the connection before the response ended', 'pull.interrupted'],
    ['terminated', 'pull.interrupted'],
    ['other side closed', 'pull.interrupted'],
    ['No such image: feas/x:1', 'pull.not_found'],
    ['unauthorized: incorrect username or password', 'pull.unauthorized'],
    ['authentication required', 'pull.unauthorized'],
    ['Head "http://127.0.0.1:36401/v2/slotpull/tiny/manifests/1": no basic auth credentials', 'pull.unauthorized'],
    ['requested access to the resource is denied', 'pull.unauthorized'],
    ['received unexpected HTTP status: 401 Unauthorized', 'pull.unauthorized'],
    ['unexpected status code 403', 'pull.unauthorized'],
    ['dial tcp 127.0.0.1:5000: connect: connection refused', 'pull.registry_unreachable'],
    ['Get "https://nope.invalid/v2/": dial tcp: lookup nope.invalid: no such host', 'pull.registry_unreachable'],
    ['net/http: request canceled while waiting for connection: i/o timeout', 'pull.registry_unreachable'],
    ['http: server gave HTTP response to HTTPS client', 'pull.registry_unreachable'],
    ['pinging container registry 127.0.0.1:5000: x', 'pull.registry_unreachable'],
    ['received unexpected HTTP status: 502 Bad Gateway', 'pull.registry_unreachable'],
    ['received unexpected HTTP status: 503 Service Unavailable', 'pull.registry_unreachable'],
    ['received unexpected HTTP status: 504 Gateway Timeout', 'pull.registry_unreachable'],
    ['net/http: TLS handshake timeout', 'pull.registry_unreachable'],
    ['error pulling image configuration: unexpected EOF', 'pull.interrupted'],
    ['read tcp 127.0.0.1:40112->127.0.0.1:5000: read: connection reset by peer', 'pull.interrupted'],
    ['write: broken pipe', 'pull.interrupted'],
    ['context canceled', 'pull.interrupted'],
    ['failed to register layer: no space left on device', 'pull.engine_error'],
    ['', 'pull.engine_error'],
  ])('%j → %s', (message, code) => {
    expect(errorCodeFor(message)).toBe(code);
  });

  it('is case-insensitive', () => {
    expect(errorCodeFor('MANIFEST UNKNOWN')).toBe('pull.not_found');
    expect(errorCodeFor('Connection Refused')).toBe('pull.registry_unreachable');
  });

  describe('order', () => {
    it("not_found before unauthorized: Docker Hub's answer for a missing repository", () => {
      expect(
        errorCodeFor(
          "pull access denied for feas/nope, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
        ),
      ).toBe('pull.not_found');
    });

    it('unauthorized before registry_unreachable', () => {
      expect(errorCodeFor('pinging container registry r.example: unauthorized: authentication required')).toBe(
        'pull.unauthorized',
      );
    });

    it('registry_unreachable before interrupted', () => {
      expect(errorCodeFor('dial tcp 10.0.0.1:443: connect: connection reset by peer')).toBe('pull.registry_unreachable');
      expect(errorCodeFor('received unexpected HTTP status: 503 after unexpected EOF')).toBe('pull.registry_unreachable');
    });

    it('interrupted before engine_error', () => {
      expect(errorCodeFor('failed to register layer: unexpected EOF')).toBe('pull.interrupted');
    });
  });

  it('does not read status codes inside digests or ports', () => {
    expect(errorCodeFor('layer sha256:4013ab5031 failed to apply on 10.0.0.2:5030')).toBe('pull.engine_error');
  });

  it('classifies the fixtures’ real messages', () => {
    expect(
      errorCodeFor(
        'initializing source docker://127.0.0.1:5000/feas/multi:1: pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client',
      ),
    ).toBe('pull.registry_unreachable');
    expect(
      errorCodeFor(
        'initializing source docker://127.0.0.1:5000/feas/nope:1: reading manifest 1 in 127.0.0.1:5000/feas/nope: manifest unknown: manifest unknown',
      ),
    ).toBe('pull.not_found');
  });
});
