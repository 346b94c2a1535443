/**
 * The real docker and podman CLIs (moved here from tests/runtimes/cli.test.ts,
 * whose fakes copy their words): the words the fakes copy are really theirs.
 * They need the installed binaries and root, as the rest of this project does,
 * but not the shared environment: docker is given a socket nothing listens
 * on, podman a storage of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference } from '../../server/core/reference.ts';
import { detectCliRuntime } from '../../server/runtimes/cli.ts';

const ref = (raw: string) => parseImageReference(raw);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-real-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function onPath(name: string): string {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not on PATH; run npm test as root to install it, or apt-get install ${name === 'docker' ? 'docker.io' : name}`);
  }
}

describe('the real docker CLI without a daemon', () => {
  it('is detected and rejects inspect instead of answering missing', async () => {
    const realDocker = onPath('docker');
    const env = { ...process.env, DOCKER_HOST: `unix://${join(dir, 'no-such.sock')}` };
    const docker = await detectCliRuntime(realDocker, { env });
    expect(docker.name).toBe('cli:docker');
    await expect(docker.inspectImage(ref('busybox:1'))).rejects.toThrow(/Cannot connect to the Docker daemon/);
    await expect(docker.containerStates(['slot-chat'])).rejects.toThrow(/Cannot connect to the Docker daemon/);
  });
});

describe('the real podman CLI', () => {
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const root = join(dir, 'podman');
    await mkdir(root, { recursive: true });
    const storage = join(root, 'storage.conf');
    await writeFile(storage, `[storage]\ndriver = "vfs"\ngraphroot = "${root}/graph"\nrunroot = "${root}/run"\n`);
    env = { ...process.env, CONTAINERS_STORAGE_CONF: storage };
  });

  it('answers missing, absent, and stopped for a container never started', async () => {
    const realPodman = onPath('podman');
    const podman = await detectCliRuntime(realPodman, { env });
    expect(podman.name).toBe('cli:podman');
    expect(await podman.inspectImage(ref('ghcr.io/acme/nope:1'))).toBe('missing');
    expect(Object.fromEntries(await podman.containerStates(['slot-nope']))).toEqual({ 'slot-nope': { status: 'absent', error: null } });

    const context = join(dir, 'podman', 'context');
    await mkdir(context, { recursive: true });
    await writeFile(join(context, 'f'), 'x');
    await writeFile(join(context, 'Containerfile'), 'FROM scratch\nCOPY f /f\n');
    const run = (...args: string[]) => execFileSync(realPodman, args, { env, stdio: 'pipe' });
    run('build', '-q', '-t', 'localhost/slotpull-test:1', context);
    run('create', '--name', 'slot-created-real', 'localhost/slotpull-test:1', '/f');
    expect(await podman.inspectImage(ref('localhost/slotpull-test:1'))).toBe('present');
    expect(Object.fromEntries(await podman.containerStates(['slot-created-real', 'slot-nope']))).toEqual({
      'slot-created-real': { status: 'stopped', error: null },
      'slot-nope': { status: 'absent', error: null },
    });
    run('rm', '-f', 'slot-created-real');
    run('rmi', '-f', 'localhost/slotpull-test:1');
  });
});
