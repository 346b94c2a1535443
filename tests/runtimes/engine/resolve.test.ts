/**
 * From a spec to an endpoint (resolve.ts): docker contexts laid out as the
 * CLI stores them (the real CLI's layout is checked in tests/engines/
 * remote-engines.test.ts), TLS files, ssh configs, and plain HTTP to another
 * host refused unless allowed.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainTcpWarning, resolveEngine } from '../../../server/runtimes/engine/resolve.ts';
import { runTracked } from '../../env/supervisor.mjs';
import { makeTlsCerts } from '../../env/tls-certs.mjs';
import type { TlsCerts } from '../../env/tls-certs.d.mts';

let dir: string;
let certs: TlsCerts;
const env = () => ({ DOCKER_CONFIG: join(dir, 'docker') });

/** Writes a context as `docker context create` does: meta.json under the name's sha256, TLS files beside it. */
async function writeContext(name: string, endpoint: Record<string, unknown>, tls: Record<string, string> = {}): Promise<void> {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = join(dir, 'docker', 'contexts', 'meta', id);
  await mkdir(meta, { recursive: true });
  await writeFile(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: endpoint } }));
  if (Object.keys(tls).length === 0) return;
  const tlsDir = join(dir, 'docker', 'contexts', 'tls', id, 'docker');
  await mkdir(tlsDir, { recursive: true });
  for (const [file, from] of Object.entries(tls)) await copyFile(from, join(tlsDir, file));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-resolve-'));
  certs = await makeTlsCerts(dir, (cmd, args) => runTracked(cmd, args, {}));
  await writeContext('tls', { Host: 'tcp://10.0.0.12:2376', SkipTLSVerify: false }, { 'ca.pem': certs.ca, 'cert.pem': certs.cert, 'key.pem': certs.key });
  await writeContext('ssh', { Host: 'ssh://deploy@gpu3', SkipTLSVerify: false });
  await writeContext('skip', { Host: 'tcp://10.0.0.12:2376', SkipTLSVerify: true });
  await writeContext('plain', { Host: 'tcp://10.0.0.12:2375', SkipTLSVerify: false });
  await writeContext('certnoca', { Host: 'tcp://10.0.0.12:2376' }, { 'cert.pem': certs.cert, 'key.pem': certs.key });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = (spec: Parameters<typeof resolveEngine>[0], allowPlainTcp = false) => resolveEngine(spec, { env: env(), allowPlainTcp });

describe('resolveEngine', () => {
  it('reads a docker context: endpoint and TLS files, or an ssh endpoint', async () => {
    expect(await resolve({ context: 'tls' })).toMatchObject({ kind: 'tcp', host: '10.0.0.12', port: 2376, tls: { source: 'docker context "tls"', cert: expect.stringContaining('BEGIN CERTIFICATE') } });
    expect(await resolve({ context: 'ssh' })).toMatchObject({ kind: 'ssh', user: 'deploy', host: 'gpu3' });
  });

  it('refuses contexts that are missing, skip verification, have a certificate without a CA, or are plain to another host', async () => {
    await expect(resolve({ context: 'nope' })).rejects.toThrow(`docker context "nope" is not in ${join(dir, 'docker')}/contexts (\`docker context ls\` lists them; DOCKER_CONFIG names another directory)`);
    await expect(resolve({ context: 'skip' })).rejects.toThrow(/skips checking the engine's certificate \(skip-tls-verify\), which slotpull never does/);
    await expect(resolve({ context: 'certnoca' })).rejects.toThrow(/has a client certificate but no CA/);
    await expect(resolve({ context: 'plain' })).rejects.toThrow('tcp://10.0.0.12:2375 (docker context "plain") is plain HTTP to another host');
    await expect(resolveEngine({ context: 'x' }, { env: {}, allowPlainTcp: false })).rejects.toThrow(/neither DOCKER_CONFIG nor HOME/);
  });

  it('reads TLS files for an address; a bad file fails here, at start', async () => {
    expect(await resolve({ address: 'tcp://127.0.0.1:2376', tls: { ca: certs.ca, cert: certs.cert, key: certs.key }, sshConfig: null })).toMatchObject({ tls: { source: certs.ca } });
    await expect(resolve({ address: 'tcp://127.0.0.1:2376', tls: { ca: certs.ca, cert: certs.expiredCert, key: certs.key }, sshConfig: null })).rejects.toThrow(/expired on/);
  });

  it('checks an ssh config can be read', async () => {
    const config = join(dir, 'ssh_config');
    await writeFile(config, 'Host *\n');
    expect(await resolve({ address: 'ssh://gpu3', tls: null, sshConfig: config })).toMatchObject({ kind: 'ssh', sshConfig: config });
    await expect(resolve({ address: 'ssh://gpu3', tls: null, sshConfig: join(dir, 'none') })).rejects.toThrow(`cannot read the ssh config ${join(dir, 'none')} (no such file)`);
  });

  it('refuses plain HTTP to another host unless --allow-plain-tcp, which the log then warns about', async () => {
    const plain = { address: 'tcp://10.0.0.12:2375', tls: null, sshConfig: null };
    await expect(resolve(plain)).rejects.toThrow(
      'tcp://10.0.0.12:2375 is plain HTTP to another host: anyone who can reach that port controls its engine. Give its TLS files, or use ssh://; or pass --allow-plain-tcp to accept the risk',
    );
    const allowed = await resolve(plain, true);
    expect(plainTcpWarning(allowed)).toMatch(/^warning: tcp:\/\/10\.0\.0\.12:2375 is plain HTTP to another host \(--allow-plain-tcp\): anyone on the network/);
    expect(plainTcpWarning(await resolve({ address: 'tcp://127.0.0.1:2375', tls: null, sshConfig: null }))).toBeNull();
  });
});
