/** The slots file's "engines": an address string, or an object with TLS files, an ssh config, or a docker context. */
import { describe, expect, it } from 'vitest';
import { validateSlotsFile } from '../../server/config/schema.ts';

const withEngines = (engines: Record<string, unknown>) => validateSlotsFile({ engines, slots: [{ name: 'a', provider: 'container', image: 'x:1' }] }, 'f.json');
const problems = (engines: Record<string, unknown>): string[] => {
  const result = withEngines(engines);
  return result.ok ? [] : result.problems;
};

describe('engines in the slots file', () => {
  it('reads every form: a string, host with tls, host with ssh_config, a context', () => {
    const result = withEngines({
      local: 'unix:///run/podman/podman.sock',
      gpu2: { host: 'tcp://10.0.0.12:2376', tls: { ca: '/etc/slotpull/gpu2/ca.pem', cert: '/etc/slotpull/gpu2/cert.pem', key: '/etc/slotpull/gpu2/key.pem' } },
      tlsonly: { host: 'tcp://10.0.0.13:2376', tls: { ca: '/etc/slotpull/ca.pem' } },
      gpu3: { host: 'ssh://deploy@gpu3', ssh_config: '/etc/slotpull/ssh_config' },
      gpu4: { host: 'ssh://core@gpu4/run/podman/podman.sock' },
      gpu5: { context: 'gpu5' },
    });
    expect(result.ok && result.engines).toEqual({
      local: { address: 'unix:///run/podman/podman.sock', tls: null, sshConfig: null },
      gpu2: { address: 'tcp://10.0.0.12:2376', tls: { ca: '/etc/slotpull/gpu2/ca.pem', cert: '/etc/slotpull/gpu2/cert.pem', key: '/etc/slotpull/gpu2/key.pem' }, sshConfig: null },
      tlsonly: { address: 'tcp://10.0.0.13:2376', tls: { ca: '/etc/slotpull/ca.pem', cert: null, key: null }, sshConfig: null },
      gpu3: { address: 'ssh://deploy@gpu3', tls: null, sshConfig: '/etc/slotpull/ssh_config' },
      gpu4: { address: 'ssh://core@gpu4/run/podman/podman.sock', tls: null, sshConfig: null },
      gpu5: { context: 'gpu5' },
    });
  });

  it.each([
    [{ e: 'tcp://127.0.0.1:99999' }, 'f.json: engines.e: engine address "tcp://127.0.0.1:99999" has port 99999; a port is 1–65535'],
    [{ e: 'tcp://127.0.0.1:0' }, 'f.json: engines.e: engine address "tcp://127.0.0.1:0" has port 0; a port is 1–65535'],
    [{ e: 'tcp://127.0.0.1:2375\ntcp://x:1' }, 'f.json: engines.e: engine address "tcp://127.0.0.1:2375\\ntcp://x:1" contains a line break or another control character; write it on one line'],
    [{ e: { host: 'unix:///x.sock', tls: { ca: '/ca.pem' } } }, 'f.json: engines.e: "tls" is for tcp:// engines; unix:///x.sock is unix://'],
    [{ e: { host: 'tcp://h:2376', tls: { ca: 'ca.pem' } } }, 'f.json: engines.e.tls.ca: must be an absolute path (it is read when the server starts)'],
    [{ e: { host: 'tcp://h:2376', tls: { ca: '/ca.pem', cert: '/cert.pem' } } }, 'f.json: engines.e: "tls" needs "cert" and "key" together (or neither, for an engine that asks for no client certificate)'],
    [{ e: { host: 'tcp://h:2376', tls: { ca: '/ca.pem', verify: false } } }, 'f.json: engines.e.tls: unknown field "verify"'],
    [{ e: { host: 'tcp://h:1', context: 'c' } }, 'f.json: engines.e: needs either "host" (an address) or "context" (a docker context), not both'],
    [{ e: {} }, 'f.json: engines.e: needs either "host" (an address) or "context" (a docker context), not both'],
    [{ e: { context: 'c', tls: { ca: '/ca.pem' } } }, 'f.json: engines.e: a docker context brings its own TLS files; give "context" alone'],
    [{ e: { host: 'tcp://h:1', ssh_config: '/x' } }, 'f.json: engines.e: "ssh_config" is for ssh:// engines; tcp://h:1 is tcp://'],
    [{ e: { host: 'tcp://h:1', insecure: true } }, 'f.json: engines.e: unknown field "insecure"'],
    [{ e: 42 }, 'f.json: engines.e: must be an address like "tcp://10.0.0.12:2376", or an object with "host" (and "tls" or "ssh_config") or "context"'],
  ])('refuses %j in one line', (engines, expected) => {
    expect(problems(engines)).toEqual([expected]);
  });

  it('refuses credentials without repeating them', () => {
    const [line] = problems({ e: 'tcp://admin:hunter2@gpu2:2375' });
    expect(line).toMatch(/^f\.json: engines\.e: engine address "tcp:\/\/…@gpu2:2375" carries credentials; .*registry credentials go in --docker-config$/);
    expect(line).not.toContain('hunter2');
  });
});
