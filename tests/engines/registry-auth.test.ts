/**
 * Private registries: a docker-registry with htpasswd auth over the seeded
 * images, pulled through dockerd (127.0.0.0/8 registries are insecure by
 * default there, so basic auth works over plain HTTP). Without credentials
 * the pull fails `pull.unauthorized`; with `--docker-config` it completes,
 * and the password appears in no answer, frame or log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngineEnv } from '../env/context.ts';
import { resetEngineEnv } from '../env/reset.ts';
import { htpasswdAuth, startAuthRegistry, type AuthRegistry } from '../helpers/auth-registry.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const ENTRY = new URL('../../bin/slotpull.js', import.meta.url).pathname;
const USER = 'puller';
const PASSWORD = 'pa55-w0rd-never-shown';
const TIMEOUT_MS = 60_000;

async function untilOutput(child: ChildProcess, output: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = pattern.exec(output());
    if (match !== null) return match;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never printed ${pattern}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a private registry', () => {
  let dir: string;
  let registry: AuthRegistry | undefined;
  let registryHost: string;
  const servers: { child: ChildProcess; output: () => string }[] = [];

  beforeAll(async () => {
    await resetEngineEnv(env);
    dir = await mkdtemp(join(tmpdir(), 'slotpull-auth-'));
    registry = await startAuthRegistry(env, dir, await htpasswdAuth(dir, { [USER]: PASSWORD }));
    registryHost = registry.host;
  }, TIMEOUT_MS);

  afterAll(async () => {
    for (const { child } of servers) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('close', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** Starts the built entry on dockerd with the given extra flags; resolves its base URL. */
  async function startServer(extra: string[]): Promise<{ base: string; output: () => string }> {
    const config = join(dir, 'slots.json');
    await writeFile(config, JSON.stringify({ slots: [{ name: 'private', provider: 'container', image: `${registryHost}/slotpull/tiny:1` }] }));
    const child = spawn(process.execPath, [ENTRY, '--config', config, '--runtime', 'engine', '--engine', env.docker!.socket, '--port', '0', '--state-dir', 'none', ...extra], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout?.on('data', (chunk) => (text += chunk));
    child.stderr?.on('data', (chunk) => (text += chunk));
    const output = () => text;
    servers.push({ child, output });
    const [, base] = await untilOutput(child, output, /listening on (http:\/\/\S+)\//);
    return { base: base as string, output };
  }

  async function pull(base: string): Promise<Record<string, unknown>[]> {
    expect((await fetch(`${base}/api/slots/private/pull`, { method: 'POST' })).status).toBe(202);
    const sse = readSse(await fetch(`${base}/api/slots/private/pull/stream?until=done`));
    const frames: Record<string, unknown>[] = [];
    for (;;) {
      const frame = JSON.parse((await sse.next(TIMEOUT_MS)).data) as Record<string, unknown>;
      frames.push(frame);
      if (frame.state !== 'pulling') return frames;
    }
  }

  it('fails pull.unauthorized without credentials', { timeout: TIMEOUT_MS }, async () => {
    const { base } = await startServer([]);
    expect((await pull(base)).at(-1)).toMatchObject({ state: 'failed', error_code: 'pull.unauthorized', error: expect.stringContaining('no basic auth credentials') });
  });

  it('pulls with --docker-config credentials, and never shows the password', { timeout: TIMEOUT_MS }, async () => {
    const dockerConfig = join(dir, 'config.json');
    await writeFile(dockerConfig, JSON.stringify({ auths: { [registryHost]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
    const { base, output } = await startServer(['--docker-config', dockerConfig]);
    const frames = await pull(base);
    expect(frames.at(-1)).toMatchObject({ state: 'completed', percent: 100 });
    const slot = await (await fetch(`${base}/api/slots/private`)).text();
    expect(slot).toContain('"image_status":"present"');
    const seen = [JSON.stringify(frames), slot, output()].join('\n');
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  });
});
