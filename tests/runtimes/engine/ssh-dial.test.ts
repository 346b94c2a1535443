/**
 * The ssh transport with a FAKE ssh (tests/helpers/fake-ssh.ts) in front of
 * a plain HTTP server on a unix socket: the arguments ssh gets, HTTP over its
 * stdio with kept-alive children, one sentence when ssh fails, a deadline
 * that ends a child that never answers, and no child left after close.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEngineEndpoint } from '../../../server/core/engine-endpoint.ts';
import { connectEngine } from '../../../server/runtimes/engine/engine.ts';
import { remoteCommand, sshArguments } from '../../../server/runtimes/engine/ssh-dial.ts';
import { engineFetch } from '../../../server/runtimes/engine/transport.ts';
import { writeFakeSsh, type FakeSsh } from '../../helpers/fake-ssh.ts';
import { childPids, commandLine } from '../../helpers/proc.ts';
import { waitFor } from '../../helpers/served.ts';

let dir: string;
let server: Server;
let fake: FakeSsh;
const fakeChildren = () => childPids().filter((pid) => commandLine(pid).includes(fake.path) || commandLine(pid).includes('sleep 600') || commandLine(pid).includes('node:net'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-ssh-dial-'));
  const socketPath = join(dir, 'engine.sock');
  server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/_ping') return void res.end('OK');
    if (req.url === '/version') return void res.end(JSON.stringify({ Version: '20.10.24', Components: [{ Name: 'Engine' }] }));
    res.statusCode = 404;
    res.end('{"message":"No such image"}');
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  fake = await writeFakeSsh(socketPath);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fake.remove();
  await rm(dir, { recursive: true, force: true });
});

const endpointFor = (host: string) => ({ ...(parseEngineEndpoint(`ssh://deploy@${host}:2222`) as Extract<ReturnType<typeof parseEngineEndpoint>, { kind: 'ssh' }>), sshConfig: '/etc/slotpull/ssh_config' });

describe('ssh arguments', () => {
  it('never prompts, never allocates a tty, ends the options before the host, and runs dial-stdio', () => {
    expect(sshArguments(endpointFor('gpu3'))).toEqual([
      '-F', '/etc/slotpull/ssh_config', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-T', '-x', '-l', 'deploy', '-p', '2222', '--', 'gpu3',
      'if command -v docker >/dev/null 2>&1; then exec docker system dial-stdio; else exec podman system dial-stdio; fi',
    ]);
    const podman = parseEngineEndpoint('ssh://core@gpu4/run/podman/podman.sock');
    expect(podman.kind === 'ssh' && remoteCommand(podman)).toBe(
      'if command -v podman >/dev/null 2>&1; then exec podman --url unix:///run/podman/podman.sock system dial-stdio; else exec docker -H unix:///run/podman/podman.sock system dial-stdio; fi',
    );
  });
});

describe('engineFetch over (fake) ssh', () => {
  it('speaks HTTP over the child, reuses it while idle, and ends it after the idle time and on close', async () => {
    const call = engineFetch(endpointFor('relay'), { ssh: { command: fake.path, idleMs: 300 } });
    const engine = await connectEngine(endpointFor('relay'), { fetch: call });
    expect(engine).toMatchObject({ name: 'docker', version: '20.10.24' });
    expect(await engine.inspectImage({ explicit: 'x:1' } as never)).toBe('missing');
    // /_ping, /version and the inspect went over one child.
    expect((await fake.calls()).filter((line) => line.includes(' relay '))).toHaveLength(1);
    expect(fakeChildren().length).toBeGreaterThan(0);
    await waitFor('the idle child to end', () => (fakeChildren().length === 0 ? true : undefined), 5000);

    expect(await (await call('/_ping')).text()).toBe('OK');
    expect(fakeChildren().length).toBeGreaterThan(0);
    engine.close();
    await waitFor('close to end the child', () => (fakeChildren().length === 0 ? true : undefined), 5000);
  });

  it('reuses one child for many requests without collecting listeners on it', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const call = engineFetch(endpointFor('relay'), { ssh: { command: fake.path } });
    try {
      const before = (await fake.calls()).length;
      for (let i = 0; i < 30; i++) expect(await (await call('/_ping')).text()).toBe('OK');
      expect((await fake.calls()).length - before).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((message) => message.includes('listeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      call.close?.();
    }
  });

  it('fails in one sentence when ssh does: a changed host key, no docker or podman on the host', async () => {
    await expect(connectEngine(endpointFor('hostkey'), { fetch: engineFetch(endpointFor('hostkey'), { ssh: { command: fake.path } }) })).rejects.toThrow(
      /^the host key of ssh:\/\/deploy@hostkey:2222 does not match the one in known_hosts/,
    );
    await expect(connectEngine(endpointFor('notfound'), { fetch: engineFetch(endpointFor('notfound'), { ssh: { command: fake.path } }) })).rejects.toThrow(
      /^neither docker nor podman is on the PATH of the ssh user on ssh:\/\/deploy@notfound:2222/,
    );
    expect(fakeChildren()).toEqual([]);
  });

  it('gives up on a host that never answers at the deadline, and ends its child', async () => {
    const started = Date.now();
    await expect(connectEngine(endpointFor('hang'), { requestTimeoutMs: 500, fetch: engineFetch(endpointFor('hang'), { ssh: { command: fake.path } }) })).rejects.toThrow(
      'no container engine answers at ssh://deploy@hang:2222 (no answer within 0.5 s)',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    await waitFor('the hung child to end', () => (fakeChildren().length === 0 ? true : undefined), 5000);
  });

  it('says so when there is no ssh binary', async () => {
    await expect(connectEngine(endpointFor('relay'), { fetch: engineFetch(endpointFor('relay'), { ssh: { command: join(dir, 'no-ssh-here') } }) })).rejects.toThrow(
      /cannot run ssh for ssh:\/\/deploy@relay:2222: there is no ".*no-ssh-here" on PATH \(install the OpenSSH client\)/,
    );
  });
});
