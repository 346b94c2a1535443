import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  engineCandidates,
  engineSpecProblem,
  isLoopbackHost,
  isPlainRemote,
  parseEngineEndpoint,
} from '../../server/core/engine-endpoint.ts';

const message = (text: string): string => {
  try {
    parseEngineEndpoint(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
};

describe('parseEngineEndpoint', () => {
  it('reads unix sockets, tcp (and http) addresses and ssh with or without user, port and socket path', () => {
    expect(parseEngineEndpoint('unix:///run/podman/podman.sock')).toEqual({ kind: 'unix', path: '/run/podman/podman.sock', display: 'unix:///run/podman/podman.sock' });
    expect(parseEngineEndpoint('tcp://10.0.0.12:2375')).toEqual({ kind: 'tcp', host: '10.0.0.12', port: 2375, display: 'tcp://10.0.0.12:2375', tls: null });
    expect(parseEngineEndpoint(' http://127.0.0.1:2375/ ')).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 2375, display: 'tcp://127.0.0.1:2375' });
    expect(parseEngineEndpoint('tcp://[::1]:2376')).toMatchObject({ kind: 'tcp', host: '[::1]', port: 2376 });
    expect(parseEngineEndpoint('ssh://gpu3')).toEqual({ kind: 'ssh', user: null, host: 'gpu3', port: null, socketPath: null, display: 'ssh://gpu3', sshConfig: null });
    expect(parseEngineEndpoint('ssh://deploy@gpu3.lan:2222')).toMatchObject({ kind: 'ssh', user: 'deploy', host: 'gpu3.lan', port: 2222, socketPath: null });
    expect(parseEngineEndpoint('ssh://core@10.0.0.9/run/podman/podman.sock')).toMatchObject({ user: 'core', host: '10.0.0.9', port: null, socketPath: '/run/podman/podman.sock' });
  });

  it.each([
    ['tcp://127.0.0.1:99999', 'engine address "tcp://127.0.0.1:99999" has port 99999; a port is 1–65535'],
    ['tcp://127.0.0.1:0', 'engine address "tcp://127.0.0.1:0" has port 0; a port is 1–65535'],
    ['ssh://me@host:0', 'engine address "ssh://me@host:0" has port 0; a port is 1–65535'],
    ['tcp://10.0.0.12', 'engine address "tcp://10.0.0.12" is not understood; write tcp://host:port (the port is required), e.g. tcp://10.0.0.12:2376'],
    ['tcp://10.0.0.12:2375/v1.41', 'engine address "tcp://10.0.0.12:2375/v1.41" is not understood; write tcp://host:port (the port is required), e.g. tcp://10.0.0.12:2376'],
    ['unix://relative.sock', 'engine address "unix://relative.sock" must name an absolute socket path, like unix:///run/podman/podman.sock'],
    ['/run/docker.sock', 'engine address "/run/docker.sock" is not understood; write unix:///path/to/engine.sock, tcp://host:port or ssh://[user@]host[:port]'],
    ['', 'engine address "" is not understood; write unix:///path/to/engine.sock, tcp://host:port or ssh://[user@]host[:port]'],
    ['npipe:////./pipe/docker_engine', 'engine address "npipe:////./pipe/docker_engine" has the unknown scheme "npipe"; write unix:///path/to/engine.sock, tcp://host:port or ssh://[user@]host[:port]'],
    ['ssh://-oProxyCommand=x', 'engine address "ssh://-oProxyCommand=x" is not understood; write ssh://[user@]host[:port][/path/to/engine.sock]'],
    ['ssh://host/run/$(reboot).sock', 'engine address "ssh://host/run/$(reboot).sock" is not understood; write ssh://[user@]host[:port][/path/to/engine.sock]'],
  ])('refuses %j in one line that says what to write', (text, expected) => {
    expect(message(text)).toBe(expected);
  });

  it('refuses https:// with the way to give TLS files', () => {
    expect(message('https://host:2376')).toMatch(/write tcp:\/\/host:port and give the engine's TLS files/);
  });

  it('refuses credentials, says where they belong, and never repeats them', () => {
    const tcp = message('tcp://user:s3cret@host:2375');
    expect(tcp).toBe(
      'engine address "tcp://…@host:2375" carries credentials; the Docker API takes no user or password: secure it with TLS client certificates (the slots file\'s "tls", or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or reach it over ssh://; registry credentials go in --docker-config',
    );
    expect(message('ssh://me:s3cret@host')).toMatch(/^engine address "ssh:\/\/…@host" carries credentials; ssh:\/\/ takes a user but no password: use a key/);
    expect(message('tcp://token@host:2375')).toMatch(/carries credentials/);
  });

  it('property: any address with a control character inside is refused in one line, the character escaped', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tcp://127.0.0.1:2375', 'unix:///run/x.sock', 'ssh://me@host'),
        fc.nat(),
        fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)).filter((c) => c.trim() !== ''),
        (address, at, control) => {
          const cut = 1 + (at % (address.length - 1));
          const text = `${address.slice(0, cut)}${control}${address.slice(cut)}`;
          const said = message(text);
          expect(said).toMatch(/contains a line break or another control character; write it on one line$/);
          expect(said).not.toMatch(/[\u0000-\u001f]/);
        },
      ),
    );
  });

  it('property: a port outside 1–65535 is refused, one inside accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99999 }), (port) => {
        const text = `tcp://10.0.0.1:${port}`;
        if (port >= 1 && port <= 65535) expect(parseEngineEndpoint(text)).toMatchObject({ port });
        else expect(message(text)).toBe(`engine address "${text}" has port ${port}; a port is 1–65535`);
      }),
    );
  });

  it('property: whatever the userinfo, the message never contains it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9:%._~!$&'()*+,;=-]{1,40}$/), fc.constantFrom('tcp', 'http', 'ssh'), (userinfo, scheme) => {
        const secret = `${userinfo}:pw-${userinfo}`;
        const said = message(`${scheme}://${secret}@host.lan:2375`);
        expect(said).not.toContain(secret);
        expect(said).toContain('carries credentials');
      }),
    );
  });

  it('quotes at most 100 characters of a long address', () => {
    const said = message(`tcp://${'a'.repeat(5000)}`);
    expect(said.length).toBeLessThan(300);
  });
});

describe('loopback and plain remote engines', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['localhost', true],
    ['[::1]', true],
    ['10.0.0.12', false],
    ['gpu3.lan', false],
    ['127.0.0.1.nip.io', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('plain tcp to another host is the risky case; TLS, loopback, unix and ssh are not', () => {
    expect(isPlainRemote(parseEngineEndpoint('tcp://10.0.0.12:2375'))).toBe(true);
    expect(isPlainRemote(parseEngineEndpoint('tcp://127.0.0.1:2375'))).toBe(false);
    expect(isPlainRemote({ ...(parseEngineEndpoint('tcp://10.0.0.12:2376') as { kind: 'tcp'; host: string; port: number; display: string }), tls: { ca: 'x', cert: null, key: null, source: 'x' } })).toBe(false);
    expect(isPlainRemote(parseEngineEndpoint('ssh://10.0.0.12'))).toBe(false);
    expect(isPlainRemote(parseEngineEndpoint('unix:///x.sock'))).toBe(false);
  });
});

describe('engineSpecProblem', () => {
  const tls = { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' };
  it('accepts TLS files on tcp and an ssh config on ssh', () => {
    expect(engineSpecProblem({ address: 'tcp://10.0.0.12:2376', tls, sshConfig: null })).toBeNull();
    expect(engineSpecProblem({ address: 'ssh://gpu3', tls: null, sshConfig: '/etc/slotpull/ssh_config' })).toBeNull();
    expect(engineSpecProblem({ context: 'gpu3' })).toBeNull();
  });

  it.each([
    [{ address: 'unix:///x.sock', tls, sshConfig: null }, '"tls" is for tcp:// engines; unix:///x.sock is unix://'],
    [{ address: 'tcp://h:1', tls: { ...tls, key: null }, sshConfig: null }, '"tls" needs "cert" and "key" together (or neither, for an engine that asks for no client certificate)'],
    [{ address: 'tcp://h:1', tls: null, sshConfig: '/x' }, '"ssh_config" is for ssh:// engines; tcp://h:1 is tcp://'],
    [{ address: 'tcp://h:99999', tls: null, sshConfig: null }, 'engine address "tcp://h:99999" has port 99999; a port is 1–65535'],
    [{ context: 'a\nb' }, 'a context name is one line of text'],
  ])('refuses %j', (spec, expected) => {
    expect(engineSpecProblem(spec)).toBe(expected);
  });
});

describe('engineCandidates', () => {
  const plain = (address: string) => ({ address, tls: null, sshConfig: null });

  it('as the docker CLI: --engine, --engine-context, DOCKER_HOST, DOCKER_CONTEXT, then CONTAINER_HOST', () => {
    const env = { DOCKER_HOST: 'tcp://b:2', DOCKER_CONTEXT: 'ctx', CONTAINER_HOST: 'tcp://c:3' };
    expect(engineCandidates({ engine: 'tcp://a:1' }, env)).toEqual([{ spec: plain('tcp://a:1'), origin: '--engine' }]);
    expect(engineCandidates({ context: 'flag' }, env)).toEqual([{ spec: { context: 'flag' }, origin: '--engine-context' }]);
    expect(engineCandidates({}, env)).toEqual([{ spec: plain('tcp://b:2'), origin: 'DOCKER_HOST' }]);
    expect(engineCandidates({}, { ...env, DOCKER_HOST: '' })).toEqual([{ spec: { context: 'ctx' }, origin: 'DOCKER_CONTEXT' }]);
    expect(engineCandidates({}, { CONTAINER_HOST: 'unix:///c.sock' })).toEqual([{ spec: plain('unix:///c.sock'), origin: 'CONTAINER_HOST' }]);
  });

  it('takes the context "default" as no context', () => {
    expect(engineCandidates({ context: 'default' }, { DOCKER_HOST: 'tcp://b:2' })).toEqual([{ spec: plain('tcp://b:2'), origin: 'DOCKER_HOST' }]);
    expect(engineCandidates({}, { DOCKER_CONTEXT: 'default' })[0]).toMatchObject({ origin: 'default' });
  });

  it('falls back to the usual sockets, the user podman socket last', () => {
    expect(engineCandidates({}, {}).map((candidate) => candidate.spec)).toEqual([plain('unix:///var/run/docker.sock'), plain('unix:///run/podman/podman.sock')]);
    expect(engineCandidates({}, { XDG_RUNTIME_DIR: '/run/user/1000' }).at(-1)?.spec).toEqual(plain('unix:///run/user/1000/podman/podman.sock'));
  });

  it('applies DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (else DOCKER_CONFIG, else ~/.docker) to a tcp:// DOCKER_HOST or --engine', () => {
    const files = (dir: string) => ({ ca: `${dir}/ca.pem`, cert: `${dir}/cert.pem`, key: `${dir}/key.pem` });
    expect(engineCandidates({}, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/' })[0]?.spec).toEqual({ address: 'tcp://h:2376', tls: files('/certs'), sshConfig: null });
    expect(engineCandidates({ engine: 'tcp://h:2376' }, { DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: '/cfg' })[0]?.spec).toMatchObject({ tls: files('/cfg') });
    expect(engineCandidates({}, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', HOME: '/home/me' })[0]?.spec).toMatchObject({ tls: files('/home/me/.docker') });
    // Not for unix sockets or ssh, as the docker CLI.
    expect(engineCandidates({}, { DOCKER_HOST: 'ssh://h', DOCKER_TLS_VERIFY: '1', HOME: '/h' })[0]?.spec).toEqual(plain('ssh://h'));
  });

  it('refuses DOCKER_TLS without DOCKER_TLS_VERIFY (TLS that checks nothing), and TLS with nowhere to find the files', () => {
    expect(() => engineCandidates({}, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1' })).toThrow(/DOCKER_TLS asks for TLS without checking the engine's certificate/);
    expect(() => engineCandidates({}, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1' })).toThrow(/neither DOCKER_CERT_PATH, DOCKER_CONFIG nor HOME/);
  });
});
