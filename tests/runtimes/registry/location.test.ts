import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../server/core/reference.ts';
import { allowsPlainHttp, insecureRegistriesFromEngineInfo, registryLocation, schemesFor } from '../../../server/runtimes/registry/location.ts';

const at = (raw: string) => registryLocation(parseImageReference(raw));

describe('registryLocation', () => {
  it("follows Docker Hub's names: registry-1.docker.io, library/ for official images", () => {
    const hub = { registry: 'docker.io', host: 'registry-1.docker.io' };
    expect(at('nginx')).toEqual({ ...hub, repository: 'library/nginx' });
    expect(at('docker.io/nginx:1.27')).toEqual({ ...hub, repository: 'library/nginx' });
    expect(at('index.docker.io/library/nginx')).toEqual({ ...hub, repository: 'library/nginx' });
    expect(at('ollama/ollama@sha256:' + 'a'.repeat(64))).toEqual({ ...hub, repository: 'ollama/ollama' });
  });

  it('keeps any other host and path as written', () => {
    expect(at('ghcr.io/acme/server:1')).toEqual({ registry: 'ghcr.io', host: 'ghcr.io', repository: 'acme/server' });
    expect(at('127.0.0.1:5000/slotpull/multi:1')).toEqual({ registry: '127.0.0.1:5000', host: '127.0.0.1:5000', repository: 'slotpull/multi' });
    expect(at('localhost/nginx')).toEqual({ registry: 'localhost', host: 'localhost', repository: 'nginx' });
    expect(at('[::1]:5000/a/b')).toEqual({ registry: '[::1]:5000', host: '[::1]:5000', repository: 'a/b' });
  });
});

describe('plain HTTP', () => {
  it('is allowed for loopback, as the engines allow it by default', () => {
    for (const host of ['127.0.0.1:5000', '127.8.9.10', 'localhost:5000', 'LOCALHOST', '[::1]:5000', '[0:0:0:0:0:0:0:1]']) {
      expect(allowsPlainHttp(host, []), host).toBe(true);
    }
    for (const host of ['ghcr.io', '128.0.0.1:5000', '10.0.0.5:5000', '[::2]:5000', 'localhost.example', '127.0.0.1.nip.io']) {
      expect(allowsPlainHttp(host, []), host).toBe(false);
    }
    expect(schemesFor('127.0.0.1:5000', [])).toEqual(['https', 'http']);
    expect(schemesFor('ghcr.io', [])).toEqual(['https']);
  });

  it('is allowed for the listed hosts (a name without a port: any port) and CIDRs (IP literals only)', () => {
    const insecure = ['reg.lan:5000', 'other.lan', 'http://schemed.lan:443', '10.0.0.0/8', 'fd00::/8', 'ns.lan/team'];
    for (const host of ['reg.lan:5000', 'other.lan', 'other.lan:8080', 'schemed.lan:443', '10.1.2.3:5000', '[fd12::1]:5000', 'ns.lan']) {
      expect(allowsPlainHttp(host, insecure), host).toBe(true);
    }
    for (const host of ['reg.lan', 'reg.lan:5001', '11.0.0.1', '[fe80::1]', 'ten.lan', 'team.ns.lan']) {
      expect(allowsPlainHttp(host, insecure), host).toBe(false);
    }
    expect(allowsPlainHttp('10.0.0.1', ['10.0.0.0/33', '300.0.0.0/8', 'garbage/x'])).toBe(false);
  });

  it("reads an engine's insecure registries from GET /info", () => {
    // As podman 4.3 and dockerd 20.10 of tests/env answer it.
    const podman = {
      RegistryConfig: {
        InsecureRegistryCIDRs: [],
        IndexConfigs: {
          '127.0.0.1:38929': { Name: '127.0.0.1:38929', Mirrors: [], Secure: false, Official: false },
          'quay.io': { Name: 'quay.io', Mirrors: [], Secure: true, Official: false },
        },
      },
    };
    const dockerd = { RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: { 'docker.io': { Name: 'docker.io', Secure: true, Official: true } } } };
    expect(insecureRegistriesFromEngineInfo(podman)).toEqual(['127.0.0.1:38929']);
    expect(insecureRegistriesFromEngineInfo(dockerd)).toEqual(['127.0.0.0/8']);
    expect(insecureRegistriesFromEngineInfo({ RegistryConfig: { InsecureRegistryCIDRs: [1, 'x'], IndexConfigs: { a: null } } })).toEqual(['x']);
    expect(insecureRegistriesFromEngineInfo(null)).toEqual([]);
    expect(insecureRegistriesFromEngineInfo('text')).toEqual([]);
  });
});
