/**
 * Remote engines the way operators reach them, on real parts: dockerd's
 * `--tlsverify` port (tests/env, certificates made with openssl), a real
 * OpenSSH server (tests/env/sshd.mjs) in front of the test bed's dockerd and
 * podman, and a docker context made by the real docker CLI. First each
 * refusal, then the built Node entry with every slots-file form at once:
 * health, logs, pulls with byte progress over ssh (to dockerd and to
 * podman) and TLS, and no ssh child left after SIGTERM.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEngineEndpoint, type EngineEndpoint } from '../../server/core/engine-endpoint.ts';
import { connectEngine } from '../../server/runtimes/engine/engine.ts';
import { resolveEngine } from '../../server/runtimes/engine/resolve.ts';
import { useEngineEnv } from '../env/context.ts';
import { runEngineCli } from '../env/engines.mjs';
import type { DockerTlsInfo, ImageName } from '../env/engines.d.mts';
import { resetEngineEnv } from '../env/reset.ts';
import { startSshd } from '../env/sshd.mjs';
import type { Sshd } from '../env/sshd.d.mts';
import { runTracked } from '../env/supervisor.mjs';
import { childPids, commandLine } from '../helpers/proc.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const ENTRY = new URL('../../bin/slotpull.js', import.meta.url).pathname;
const DOCKER_CLI = '/usr/local/bin/docker';
const TIMEOUT_MS = 60_000;

const tls = (): DockerTlsInfo => env.docker?.tls ?? fail('dockerd was started without its TLS port');
const image = (name: ImageName) => env.images[name] ?? fail(`image ${name} was not seeded`);
function fail(why: string): never {
  throw new Error(why);
}

let dir: string;
/** In front of dockerd: sessions get its DOCKER_HOST. */
let sshd: Sshd;
/** A host with neither docker nor podman on its PATH. */
let bare: Sshd;

beforeAll(async () => {
  await resetEngineEnv(env);
  dir = await mkdtemp(join(tmpdir(), 'slotpull-remote-'));
  // One after the other: each picks a free port, and two picking at once can pick the same one (the second
  // then fails to bind, and its banner check is answered by the first).
  sshd = await startSshd({ environment: { DOCKER_HOST: env.docker?.socket ?? fail('no dockerd') } });
  bare = await startSshd({ environment: { PATH: '/nonexistent' } });
  // Contexts as an operator makes them, with the real CLI, into a DOCKER_CONFIG of our own.
  const { ca, cert, key, address } = tls();
  await runTracked(DOCKER_CLI, ['context', 'create', 'tls-ctx', '--docker', `host=${address},ca=${ca},cert=${cert},key=${key}`], { env: { ...process.env, DOCKER_CONFIG: join(dir, 'docker') } });
}, TIMEOUT_MS);

/** Removes what these tests pull, from both engines. */
async function removePulled(): Promise<void> {
  for (const engine of ['docker', 'podman'] as const) {
    await runEngineCli(env, engine, ['rmi', '-f', image('multi').proxyRef, image('base-a').proxyRef, image('tiny').proxyRef], { allowFailure: true });
  }
}

afterAll(async () => {
  await Promise.all([sshd?.stop(), bare?.stop()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  await removePulled();
});

const refusal = (endpoint: EngineEndpoint) =>
  connectEngine(endpoint).then(
    () => 'connected',
    (error: Error) => error.message,
  );

describe('TLS: dockerd with --tlsverify', () => {
  const endpoint = (files: { ca: string; cert: string | null; key: string | null }) =>
    resolveEngine({ address: tls().address, tls: files, sshConfig: null }, { env: {}, allowPlainTcp: false });

  it('refuses, each in one sentence: another CA, no client certificate, one from another CA, an expired one, plain HTTP', async () => {
    const { ca, cert, key, otherCa, otherCert, otherKey, expiredCert, address } = tls();
    expect(await refusal(await endpoint({ ca: otherCa, cert, key }))).toBe(
      `the certificate of the engine at ${address} is not signed by the CA in ${otherCa} (UNABLE_TO_VERIFY_LEAF_SIGNATURE); give the CA that signed the engine's certificate`,
    );
    expect(await refusal(await endpoint({ ca, cert: null, key: null }))).toMatch(new RegExp(`^the engine at ${address} requires a client certificate and none is given; add one and its key`));
    expect(await refusal(await endpoint({ ca, cert: otherCert, key: otherKey }))).toMatch(/refused our client certificate \(ERR_SSL_\w+\): it is not signed by a CA the engine trusts/);
    // An expired certificate stops the server at start; past that check (it expired while running), the engine's refusal says the same.
    await expect(endpoint({ ca, cert: expiredCert, key })).rejects.toThrow(/expired on/);
    const good = (await endpoint({ ca, cert, key })) as Extract<EngineEndpoint, { kind: 'tcp' }>;
    const expiredPem = await readFile(expiredCert, 'utf8');
    expect(await refusal({ ...good, tls: { ...good.tls!, cert: expiredPem } })).toMatch(new RegExp(`^the engine at ${address} refused our client certificate: it expired on \\d{4}-`));
    expect(await refusal(parseEngineEndpoint(address))).toMatch(new RegExp(`^the engine at ${address} speaks TLS: give its CA, client certificate and key`));
  });
});

describe('ssh: a real sshd in front of dockerd and podman', () => {
  const via = (server: Sshd, config: string, path = '') => ({ ...(parseEngineEndpoint(`${server.address}${path}`) as Extract<EngineEndpoint, { kind: 'ssh' }>), sshConfig: config });
  it('a changed host key, a refused key and a host without docker or podman each fail in one sentence, never a hang', { timeout: TIMEOUT_MS }, async () => {
    const started = Date.now();
    const [hostKey, refused, missing] = await Promise.all([
      refusal(via(sshd, sshd.wrongHostKeyConfig)),
      refusal(via(sshd, sshd.refusedKeyConfig)),
      refusal(via(bare, bare.config)),
    ]);
    expect(hostKey).toBe(
      `the host key of ${sshd.address} does not match the one in known_hosts, so ssh refused to connect (another machine may be answering, or the host was reinstalled); check it, then correct known_hosts`,
    );
    expect(refused).toBe(`${sshd.address} refused our ssh key (Permission denied); add the key to authorized_keys there, or load the right one into ssh-agent`);
    expect(missing).toMatch(new RegExp(`^neither docker nor podman is on the PATH of the ssh user on ${bare.address.replaceAll('/', '\\/')} \\(the remote shell said: .*podman: not found\\)$`));
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('the Node entry with every engine form', () => {
  it('logs and reports each engine in one line, pulls over ssh and TLS with byte progress, and leaves no ssh child', { timeout: TIMEOUT_MS }, async () => {
    await removePulled();
    const { ca, cert, key, address } = tls();
    const podmanSocket = env.podman?.socketPath ?? fail('no podman');
    const config = join(dir, 'slots.json');
    const slot = (name: string, engine: string | undefined, ref: string) => ({ name, provider: 'container', image: ref, ...(engine === undefined ? {} : { engine }) });
    await writeFile(
      config,
      JSON.stringify({
        engines: {
          viassh: { host: sshd.address, ssh_config: sshd.config },
          podssh: { host: `${sshd.address}${podmanSocket}`, ssh_config: sshd.config },
          tls: { host: address, tls: { ca, cert, key } },
          ctx: { context: 'tls-ctx' },
          hostkey: { host: sshd.address, ssh_config: sshd.wrongHostKeyConfig },
          refused: { host: sshd.address, ssh_config: sshd.refusedKeyConfig },
          bare: { host: bare.address, ssh_config: bare.config },
        },
        slots: [
          slot('local', undefined, image('base-a').proxyRef),
          slot('d-ssh', 'viassh', image('multi').proxyRef),
          slot('p-ssh', 'podssh', image('multi').proxyRef),
          slot('d-tls', 'tls', image('tiny').proxyRef),
          slot('d-ctx', 'ctx', image('tiny').proxyRef),
          slot('k', 'hostkey', image('tiny').proxyRef),
          slot('r', 'refused', image('tiny').proxyRef),
          slot('b', 'bare', image('tiny').proxyRef),
        ],
      }),
    );
    const server = await startServerProcess(process.execPath, [ENTRY, '--config', config, '--port', '0', '--runtime', 'engine', '--engine-context', 'tls-ctx', '--state-dir', 'none'], {
      PATH: process.env.PATH ?? '',
      DOCKER_CONFIG: join(dir, 'docker'),
    });
    const { base } = server;
    try {
      const output = server.output();
      const lines = output.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^slotpull \\S+: runtime docker \\(--runtime engine: docker \\S+ answers at ${address} over TLS\\)$`));
      const sentences = {
        hostkey: `engine "hostkey": the host key of ${sshd.address} does not match the one in known_hosts`,
        refused: `engine "refused": ${sshd.address} refused our ssh key (Permission denied)`,
        bare: `engine "bare": neither docker nor podman is on the PATH of the ssh user on ${bare.address}`,
      };
      for (const [name, sentence] of Object.entries(sentences)) {
        expect(lines.filter((line) => line.startsWith(`engine "${name}":`)), output).toEqual([expect.stringContaining(sentence)]);
      }
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^engine "podssh": podman \\S+ at ${sshd.address}${podmanSocket}$`)));
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^engine "ctx": docker \\S+ at ${address} over TLS$`)));

      const health = (await (await fetch(`${base}/api/health`)).json()) as { engines: Record<string, { runtime: string; unavailable: string | null }> };
      expect(health.engines).toMatchObject({
        viassh: { runtime: 'docker', unavailable: null },
        podssh: { runtime: 'podman', unavailable: null },
        tls: { runtime: 'docker', unavailable: null },
        ctx: { runtime: 'docker', unavailable: null },
        hostkey: { unavailable: expect.stringContaining(sentences.hostkey) },
        refused: { unavailable: expect.stringContaining(sentences.refused) },
        bare: { unavailable: expect.stringContaining(sentences.bare) },
      });
      const slots = (await (await fetch(`${base}/api/slots`)).json()) as { name: string; image_status: string; container_error: string | null }[];
      expect(Object.fromEntries(slots.map((s) => [s.name, s.image_status]))).toEqual({ local: 'missing', 'd-ssh': 'missing', 'p-ssh': 'missing', 'd-tls': 'missing', 'd-ctx': 'missing', k: 'unknown', r: 'unknown', b: 'unknown' });
      expect(slots.find((s) => s.name === 'r')?.container_error).toContain(sentences.refused);

      // Three pulls at once, over ssh to dockerd, ssh to podman and TLS (the context), each followed on SSE with bytes.
      const follow = async (name: string) => {
        expect((await fetch(`${base}/api/slots/${name}/pull`, { method: 'POST' })).status).toBe(202);
        const sse = readSse(await fetch(`${base}/api/slots/${name}/pull/stream?until=done`));
        const withBytes = await sse.until((frame) => Number(frame.bytes_done ?? 0) > 0 || frame.state !== 'pulling', TIMEOUT_MS);
        const last = withBytes.state === 'pulling' ? await sse.until((frame) => frame.state !== 'pulling', TIMEOUT_MS) : withBytes;
        await sse.close();
        return { withBytes, last };
      };
      const pulls = await Promise.all(['d-ssh', 'p-ssh', 'local'].map(follow));
      for (const { withBytes, last } of pulls) {
        expect(withBytes).toMatchObject({ state: 'pulling', bytes_done: expect.any(Number) });
        expect(last).toMatchObject({ state: 'completed', percent: 100 });
      }
      expect((await (await fetch(`${base}/api/slots/p-ssh`)).json()).image_status).toBe('present');
      const refusedPull = await fetch(`${base}/api/slots/r/pull`, { method: 'POST' });
      expect({ status: refusedPull.status, body: await refusedPull.json() }).toMatchObject({ status: 503, body: { error: { code: 'runtime.unavailable', message: expect.stringContaining(sentences.refused) } } });

      // Kept-alive ssh children are there now; after SIGTERM not one is left, not even re-parented.
      const sshChildren = childPids(server.child.pid).filter((pid) => /^(\S*\/)?ssh /.test(commandLine(pid)));
      expect(sshChildren.length).toBeGreaterThan(0);
      expect(await server.stop('SIGTERM')).toBe(0);
      expect(sshChildren.filter((pid) => commandLine(pid) !== '')).toEqual([]);
    } finally {
      await server.stop('SIGKILL');
    }
  });
});
