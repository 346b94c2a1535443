/**
 * Engines that can never work stop the server at start with one line and
 * exit 2 — from --engine, DOCKER_HOST / CONTAINER_HOST or the slots file —
 * and a plain remote engine starts only with --allow-plain-tcp, which the
 * log then warns about. Through runCommandLine with a platform that records
 * what it is asked (nothing listens; no engine is reached but this machine's).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine, type Platform } from '../../server/entry/run.ts';
import { runTracked } from '../env/supervisor.mjs';
import { makeTlsCerts } from '../env/tls-certs.mjs';
import type { TlsCerts } from '../env/tls-certs.d.mts';

let dir: string;
let certs: TlsCerts;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-engine-start-'));
  certs = await makeTlsCerts(dir, (cmd, args) => runTracked(cmd, args, {}));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command line; a server that started is stopped again at once. */
async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number | 'serving'; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let stop: ((signal: string) => void) | undefined;
  const platform: Platform = {
    serve: async () => ({ url: 'http://127.0.0.1:1/', stop: async () => undefined }),
    onStopSignal: (handler) => (stop = handler),
    out: (text) => out.push(...text.trimEnd().split('\n')),
    err: (text) => err.push(...text.trimEnd().split('\n')),
  };
  const code = await runCommandLine([...argv, '--state-dir', 'none'], { PATH: '', ...env }, platform);
  stop?.('SIGTERM');
  return { code, out, err };
}

async function slotsFile(engines: Record<string, unknown>): Promise<string> {
  const path = join(dir, `slots-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify({ engines, slots: [{ name: 'a', provider: 'container', image: 'x:1', engine: Object.keys(engines)[0] }] }));
  return path;
}

describe('an engine that can never work stops the server: exit 2, one line', () => {
  it.each([
    [['--engine', 'tcp://127.0.0.1:99999'], {}, 'slotpull: --engine: engine address "tcp://127.0.0.1:99999" has port 99999; a port is 1–65535'],
    [['--runtime', 'engine'], { DOCKER_HOST: 'tcp://127.0.0.1:0' }, 'slotpull: DOCKER_HOST: engine address "tcp://127.0.0.1:0" has port 0; a port is 1–65535'],
    [['--runtime', 'engine'], { CONTAINER_HOST: 'unix:///run/a.sock\nunix:///run/b.sock' }, 'slotpull: CONTAINER_HOST: engine address "unix:///run/a.sock\\nunix:///run/b.sock" contains a line break or another control character; write it on one line'],
    [['--runtime', 'engine'], { DOCKER_HOST: 'tcp://10.0.0.12:2375' }, 'slotpull: DOCKER_HOST: tcp://10.0.0.12:2375 is plain HTTP to another host: anyone who can reach that port controls its engine. Give its TLS files, or use ssh://; or pass --allow-plain-tcp to accept the risk'],
    [['--runtime', 'engine'], { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS: '1' }, "slotpull: DOCKER_TLS asks for TLS without checking the engine's certificate, which slotpull never does; set DOCKER_TLS_VERIFY=1 (and DOCKER_CERT_PATH) instead"],
    [['--runtime', 'engine'], { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' }, 'slotpull: DOCKER_HOST: cannot read the CA certificate /nonexistent/ca.pem (no such file)'],
    [['--runtime', 'engine', '--engine-context', 'nope'], { DOCKER_CONFIG: '/nonexistent' }, 'slotpull: --engine-context: docker context "nope" is not in /nonexistent/contexts (`docker context ls` lists them; DOCKER_CONFIG names another directory)'],
  ])('%j with %j', async (argv, env, line) => {
    const config = await slotsFile({ e: 'unix:///run/podman/podman.sock' });
    const { code, err } = await run(['--config', config, ...argv], env);
    expect(code).toBe(2);
    expect(err).toEqual([line]);
  });

  it('from the slots file: credentials (never repeated), an expired client certificate, plain HTTP to another host', async () => {
    const config = await slotsFile({
      creds: 'tcp://admin:hunter2@127.0.0.1:2375',
      expired: { host: 'tcp://127.0.0.1:2376', tls: { ca: certs.ca, cert: certs.expiredCert, key: certs.key } },
      plain: 'tcp://10.0.0.12:2375',
    });
    const { code, err } = await run(['--config', config, '--runtime', 'demo']);
    expect(code).toBe(2);
    expect(err).toEqual([
      expect.stringMatching(/^slotpull: .*: engines\.creds: engine address "tcp:\/\/…@127\.0\.0\.1:2375" carries credentials; /),
    ]);
    expect(err.join('\n')).not.toContain('hunter2');
    const files = await slotsFile({ expired: { host: 'tcp://127.0.0.1:2376', tls: { ca: certs.ca, cert: certs.expiredCert, key: certs.key } }, plain: 'tcp://10.0.0.12:2375' });
    const later = await run(['--config', files, '--runtime', 'demo']);
    expect(later.code).toBe(2);
    expect(later.err).toEqual([
      expect.stringMatching(new RegExp(`^slotpull: .*: engines\\.expired: the client certificate ${certs.expiredCert} expired on .*; make a new one$`)),
      expect.stringMatching(/^slotpull: .*: engines\.plain: tcp:\/\/10\.0\.0\.12:2375 is plain HTTP to another host: .*--allow-plain-tcp to accept the risk$/),
    ]);
  });
});

describe('--allow-plain-tcp', () => {
  // 0.0.0.0 is no loopback name, yet on Linux a connection to it stays on this machine: nothing goes out.
  it('starts with a plain engine on another address, and the log says the risk', async () => {
    const config = await slotsFile({ lab: 'tcp://0.0.0.0:9' });
    const refused = await run(['--config', config, '--runtime', 'demo']);
    expect(refused.code).toBe(2);
    const started = await run(['--config', config, '--runtime', 'demo', '--allow-plain-tcp']);
    expect(started.code).toBe('serving');
    expect(started.out).toContainEqual(
      'engine "lab": warning: tcp://0.0.0.0:9 is plain HTTP to another host (--allow-plain-tcp): anyone on the network who can reach that port controls its engine, and pulls and credentials cross it unencrypted',
    );
    expect(started.out).toContainEqual(expect.stringMatching(/^engine "lab": no container engine answers at tcp:\/\/0\.0\.0\.0:9 .* — its slots show unknown until it answers$/));
  });
});
