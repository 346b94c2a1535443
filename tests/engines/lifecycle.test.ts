// The environment leaves nothing behind: after stop(), and after a start that
// fails half-way, no process, mount or file of it is left. Each test starts
// an environment of its own (busybox only, so about 2 s), next to the shared
// one of global-setup.ts.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngineEnv } from '../env/engines.mjs';
import { mountsUnder, processesUnder } from '../env/supervisor.mjs';

/** Each test's own temp root, so that a failed start's dir can be looked for. */
let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'sp-life-'));
  roots.push(root);
  return root;
}

describe('engine env lifecycle', () => {
  it('stop() ends every process it started, running containers included, and removes its mounts and temp dir', async () => {
    const env = await startEngineEnv({ images: ['busybox'], tmpRoot: freshRoot() });
    let before: number[] = [];
    let daemons: number[] = [];
    try {
      const busybox = env.images.busybox?.ref ?? '';
      await env.run('docker', ['run', '-d', '--name', 'sleeper', '--network', 'none', busybox, 'sleep', '300']);
      await env.run('podman', ['run', '-d', '--name', 'sleeper', '--network', 'none', busybox, 'sleep', '300']);
      daemons = [env.docker?.pid ?? 0, env.podman?.pid ?? 0];
      before = processesUnder(env.tmpDir);
      // registry, dockerd, containerd, podman service, 2 × (shim or conmon + sleep)
      expect(before.length).toBeGreaterThanOrEqual(8);
      expect(mountsUnder(env.tmpDir).length).toBeGreaterThan(0);
    } finally {
      await env.stop();
    }

    expect(processesUnder(env.tmpDir)).toEqual([]);
    expect(before.filter(isAlive)).toEqual([]);
    expect(daemons.filter(isAlive)).toEqual([]);
    expect(mountsUnder(env.tmpDir)).toEqual([]);
    expect(existsSync(env.tmpDir)).toBe(false);
    await env.stop(); // idempotent
  });

  it('a start that fails half-way stops what had started and removes its temp dir', async () => {
    const root = freshRoot();

    const start = startEngineEnv({ images: ['busybox'], busybox: '/nonexistent/busybox', tmpRoot: root });

    await expect(start).rejects.toThrow(/cannot read \/nonexistent\/busybox/);
    expect(readdirSync(root)).toEqual([]);
    expect(processesUnder(root)).toEqual([]);
    expect(mountsUnder(root)).toEqual([]);
  });
});

/** A zombie counts as gone: it has ended and only waits for its parent (often PID 1 here) to reap it. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // ENOENT: no such process.
    return false;
  }
}
