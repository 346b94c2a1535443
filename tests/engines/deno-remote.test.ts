/**
 * TLS and ssh engines under Deno (server/deno/main.ts, node:https and
 * node:child_process through Deno's Node compatibility), with only the
 * permissions the README lists for them: dockerd's --tlsverify port and
 * dockerd behind a real sshd, each a named engine; a pull on each, and no
 * ssh child left after SIGTERM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../server/entry/options.ts';
import { useEngineEnv } from '../env/context.ts';
import { runEngineCli } from '../env/engines.mjs';
import { resetEngineEnv } from '../env/reset.ts';
import { startSshd } from '../env/sshd.mjs';
import type { Sshd } from '../env/sshd.d.mts';
import { childPids, commandLine } from '../helpers/proc.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const DENO = new URL('../../node_modules/.bin/deno', import.meta.url).pathname;
const ENTRY = new URL('../../server/deno/main.ts', import.meta.url).pathname;
const TIMEOUT_MS = 60_000;

function fail(why: string): never {
  throw new Error(why);
}

describe('remote engines on Deno', () => {
  let dir: string;
  let sshd: Sshd;
  let deno: ServerProcess;
  const tiny = () => env.images.tiny ?? fail('image tiny was not seeded');
  const multi = () => env.images.multi ?? fail('image multi was not seeded');

  beforeAll(async () => {
    const tls = env.docker?.tls ?? fail('dockerd was started without its TLS port');
    await resetEngineEnv(env);
    dir = await mkdtemp(join(tmpdir(), 'slotpull-deno-remote-'));
    sshd = await startSshd({ environment: { DOCKER_HOST: env.docker?.socket ?? fail('no dockerd') } });
    const config = join(dir, 'slots.json');
    await writeFile(
      config,
      JSON.stringify({
        engines: {
          viassh: { host: sshd.address, ssh_config: sshd.config },
          tls: { host: tls.address, tls: { ca: tls.ca, cert: tls.cert, key: tls.key } },
        },
        slots: [
          { name: 'over-ssh', provider: 'container', image: multi().proxyRef, engine: 'viassh' },
          { name: 'over-tls', provider: 'container', image: tiny().proxyRef, engine: 'tls' },
        ],
      }),
    );
    deno = await startServerProcess(
      DENO,
      [
        'run',
        `--allow-env=${ENV_VARIABLES.join(',')}`,
        `--allow-read=.,${config},${tls.ca},${tls.cert},${tls.key},${sshd.config}`,
        '--allow-net=127.0.0.1',
        '--allow-run=ssh',
        ENTRY,
        '--config', config,
        '--runtime', 'demo',
        '--port', '0',
        '--state-dir', 'none',
      ],
      { PATH: process.env.PATH ?? '', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
      40_000,
    );
  }, TIMEOUT_MS);

  afterAll(async () => {
    await deno?.stop();
    await sshd?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await runEngineCli(env, 'docker', ['rmi', '-f', tiny().proxyRef, multi().proxyRef], { allowFailure: true });
  });

  it('reaches dockerd over TLS and over ssh, pulls on each, and ends its ssh children on SIGTERM', { timeout: TIMEOUT_MS }, async () => {
    const { base } = deno;
    expect(deno.output()).toMatch(/engine "tls": docker \S+ at tcp:\/\/127\.0\.0\.1:\d+ over TLS/);
    expect(deno.output()).toMatch(/engine "viassh": docker \S+ at ssh:\/\/root@127\.0\.0\.1:\d+/);
    expect(((await (await fetch(`${base}/api/health`)).json()) as { engines: unknown }).engines).toEqual({
      viassh: { runtime: 'docker', unavailable: null },
      tls: { runtime: 'docker', unavailable: null },
    });
    const outcome = async (name: string) => {
      expect((await fetch(`${base}/api/slots/${name}/pull`, { method: 'POST' })).status).toBe(202);
      const sse = readSse(await fetch(`${base}/api/slots/${name}/pull/stream?until=done`));
      const done = await sse.until((frame) => frame.state !== 'pulling', TIMEOUT_MS);
      await sse.close();
      return done;
    };
    const [overSsh, overTls] = await Promise.all([outcome('over-ssh'), outcome('over-tls')]);
    expect(overSsh).toMatchObject({ state: 'completed', percent: 100, runtime: 'docker' });
    expect(overSsh.bytes_done).toBe(overSsh.bytes_total);
    expect(Number(overSsh.bytes_total)).toBeGreaterThan(0);
    expect(overTls).toMatchObject({ state: 'completed', percent: 100, runtime: 'docker' });

    const sshChildren = childPids(deno.child.pid).filter((pid) => /^(\S*\/)?ssh /.test(commandLine(pid)));
    expect(sshChildren.length).toBeGreaterThan(0);
    expect(await deno.stop('SIGTERM')).toBe(0);
    expect(sshChildren.filter((pid) => commandLine(pid) !== '')).toEqual([]);
  });
});
