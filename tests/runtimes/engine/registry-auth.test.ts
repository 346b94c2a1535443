import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { credentialsFromDockerConfig } from '../../../server/runtimes/engine/registry-auth.ts';

/** The `X-Registry-Auth` header the engine runtime sends per registry host, from a docker config. */
const registryAuthFromDockerConfig = (config: unknown, source: string) => {
  const credentials = credentialsFromDockerConfig(config, source);
  return (registry: string) => credentials(registry)?.engineHeader();
};
const decode = (header: string | undefined) => JSON.parse(Buffer.from(header as string, 'base64url').toString('utf8'));

describe('the engine header (X-Registry-Auth) from a docker config', () => {
  it('encodes user:password from "auth" as base64url JSON per registry host', () => {
    const auth = registryAuthFromDockerConfig(
      { auths: { 'https://ghcr.io/v2/': { auth: Buffer.from('me:s3cr?t>>').toString('base64') } } },
      'config.json',
    );
    const header = auth('ghcr.io');
    expect(header).not.toMatch(/[+/]/);
    expect(decode(header)).toEqual({ username: 'me', password: 's3cr?t>>', serveraddress: 'ghcr.io' });
    expect(auth('quay.io')).toBeUndefined();
  });

  it('maps Docker Hub keys to docker.io and prefers an identity token', () => {
    const auth = registryAuthFromDockerConfig(
      {
        auths: {
          'https://index.docker.io/v1/': { username: 'u', password: 'p' },
          'registry.example:5000': { identitytoken: 'tok' },
        },
      },
      'config.json',
    );
    expect(decode(auth('docker.io'))).toEqual({ username: 'u', password: 'p', serveraddress: 'docker.io' });
    expect(decode(auth('registry.example:5000'))).toEqual({ identitytoken: 'tok', serveraddress: 'registry.example:5000' });
  });

  it('has nothing for a file without auths, and refuses a broken auth without quoting it', () => {
    expect(registryAuthFromDockerConfig({ credsStore: 'desktop' }, 'c.json')('docker.io')).toBeUndefined();
    const secret = Buffer.from('no-colon-here').toString('base64');
    expect(() => registryAuthFromDockerConfig({ auths: { 'ghcr.io': { auth: secret } } }, 'c.json')).toThrow(
      'c.json: the "auth" for ghcr.io is not base64 of user:password',
    );
    try {
      registryAuthFromDockerConfig({ auths: { 'ghcr.io': { auth: secret } } }, 'c.json');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe('credentialsFromDockerConfig', () => {
  const config = {
    auths: {
      'https://index.docker.io/v1/': { auth: Buffer.from('hub-user:hub-s3cret').toString('base64') },
      'registry.example:5000': { username: 'ü', password: 'pässword' },
      'acr.example': { auth: Buffer.from('00000000-0000-0000-0000-000000000000:').toString('base64'), identitytoken: 'refresh-s3cret' },
    },
  };

  it('gives one credential per host, and Basic for the registry or its token realm', () => {
    const credentials = credentialsFromDockerConfig(config, 'config.json');
    for (const host of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(credentials(host)?.basicAuthorization(), host).toBe(`Basic ${Buffer.from('hub-user:hub-s3cret').toString('base64')}`);
    }
    expect(credentials('registry.example:5000')?.basicAuthorization()).toBe(`Basic ${Buffer.from('ü:pässword', 'utf8').toString('base64')}`);
    expect(credentials('acr.example')?.identityToken).toBe('refresh-s3cret');
    expect(credentials('registry.example')).toBeUndefined();
  });

  it('shows host and user only when a credential is logged or serialised', () => {
    const credentials = credentialsFromDockerConfig(config, 'config.json');
    for (const host of ['docker.io', 'acr.example']) {
      const credential = credentials(host);
      const shown = [JSON.stringify(credential), inspect(credential, { showHidden: true, depth: 5 }), String(credential), `${Object.values(credential ?? {})}`].join('\n');
      expect(shown).toContain(host);
      expect(shown).not.toMatch(/s3cret/);
    }
    expect(JSON.parse(JSON.stringify(credentials('docker.io')))).toEqual({ registry: 'docker.io', username: 'hub-user' });
  });
});
