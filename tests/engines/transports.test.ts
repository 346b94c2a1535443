/**
 * How slotpull finds and reaches a real engine: TCP (plain HTTP over fetch,
 * as an edge runtime would use) through a byte-for-byte TCP→unix relay in
 * front of podman's socket, and `--runtime auto` picking the engine that
 * DOCKER_HOST names, in the built Node entry.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference } from '../../server/core/reference.ts';
import { createPullParser } from '../../server/core/parse/parser.ts';
import { parseEngineEndpoint } from '../../server/core/engine-endpoint.ts';
import { connectEngine } from '../../server/runtimes/engine/engine.ts';
import { useEngineEnv } from '../env/context.ts';
import { resetEngineEnv } from '../env/reset.ts';

const env = useEngineEnv();
const ENTRY = new URL('../../bin/slotpull.js', import.meta.url).pathname;

describe('reaching a real engine', () => {
  let relay: Server;
  const sockets = new Set<Socket>();
  let tcpAddress: string;

  beforeAll(async () => {
    await resetEngineEnv(env);
    const podman = env.podman;
    if (podman === undefined) throw new Error('podman was not started by tests/env');
    // A plain relay: what arrives on TCP goes to the engine's unix socket unchanged.
    relay = createServer((client) => {
      const engine = connect(podman.socketPath);
      for (const socket of [client, engine]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(engine).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    tcpAddress = `tcp://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => relay?.close(resolve));
  });

  it('speaks to podman over TCP with fetch: detect, inspect, pull to the end', async () => {
    const engine = await connectEngine(parseEngineEndpoint(tcpAddress));
    expect(engine.name).toBe('podman');
    expect(engine.endpoint).toMatchObject({ kind: 'tcp' });
    const tiny = parseImageReference(env.images.tiny!.proxyRef);
    expect(await engine.inspectImage(tiny)).toBe('missing');
    const output = engine.pullImage(tiny, new AbortController().signal);
    const parser = createPullParser(output.format);
    const kinds = new Set<string>();
    for await (const chunk of output.chunks) for (const event of parser.push(chunk)) kinds.add(event.kind);
    expect(kinds.has('error')).toBe(false);
    expect(kinds.has('layer')).toBe(true);
    expect(await engine.inspectImage(tiny)).toBe('present');
    expect(Object.fromEntries(await engine.containerStates(['no-such-container']))).toEqual({ 'no-such-container': { status: 'absent', error: null } });
  });

  it('--runtime auto picks the engine DOCKER_HOST names, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slotpull-auto-'));
    try {
      const config = join(dir, 'slots.json');
      await writeFile(config, JSON.stringify({ slots: [{ name: 'tiny', provider: 'container', image: env.images.tiny!.proxyRef }] }));
      const child = spawn(process.execPath, [ENTRY, '--config', config, '--port', '0', '--state-dir', 'none'], {
        env: { PATH: process.env.PATH ?? '', DOCKER_HOST: env.docker!.socket },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise((resolve) => child.on('close', resolve));
      const deadline = Date.now() + 15_000;
      let url: string | undefined;
      while (url === undefined && Date.now() < deadline && child.exitCode === null) {
        url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(url, output).toBeDefined();
      expect(output.split('\n')[0]).toMatch(new RegExp(`runtime docker \\(docker \\S+ answers at ${env.docker!.socket.replaceAll('/', '\\/')}\\)`));
      expect(await (await fetch(`${url}api/health`)).json()).toMatchObject({ runtime: 'docker' });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
