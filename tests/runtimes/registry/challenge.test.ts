import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../../server/runtimes/registry/challenge.ts';

describe('parseChallenges', () => {
  it("reads Docker Hub's bearer challenge, with a comma inside a quoted scope", () => {
    expect(
      parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull,push' } },
    ]);
  });

  it('reads several challenges, unquoted values, escapes, spaces and case', () => {
    expect(parseChallenges('Negotiate abc==, BASIC Realm = "a \\"b\\"" , Bearer service=registry.local,error=insufficient_scope')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { service: 'registry.local', error: 'insufficient_scope' } },
    ]);
  });

  it('reads a bare scheme and keeps what came before a malformed part', () => {
    expect(parseChallenges('Basic')).toEqual([{ scheme: 'basic', params: {} }]);
    expect(parseChallenges('Bearer service="s", realm="unterminated')).toEqual([{ scheme: 'bearer', params: { service: 's' } }]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('"quoted"')).toEqual([]);
  });
});
