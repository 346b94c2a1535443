/**
 * A server killed mid-pull (SIGKILL), on real podman and dockerd behind the
 * throttling proxy, and started again on the same state directory: the pull
 * goes on by itself with the same job id (a stream reconnecting with
 * Last-Event-ID goes on with it), its percent never below what was shown,
 * and the history lists it; a second server on the directory refuses. What
 * the proxy delivered says which layers the engine kept: podman keeps the
 * layers it had completed (not fetched again); dockerd (20.10, overlay2)
 * removes the layers of a pull it cancels, so they are fetched again.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngineEnv } from '../env/context.ts';
import type { EngineName } from '../env/engines.d.mts';
import { blobBytes, proxyClient } from '../env/proxy-client.ts';
import { resetEngineEnv } from '../env/reset.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const proxy = proxyClient(env.proxy.controlUrl);
const ENTRY = new URL('../../bin/slotpull.js', import.meta.url).pathname;
/** The first layer (3 MiB) completes in about 1.5 s; the other two are still coming. */
const FIRST_RUN_RATE = 2 * 1024 * 1024;
/** While the server is killed: what is in flight stands almost still. */
const HOLD_RATE = 16 * 1024;
const TIMEOUT_MS = 60_000;

const multi = env.images.multi ?? (() => { throw new Error('image multi was not seeded'); })();
const shortId = (digest: string): string => digest.slice('sha256:'.length, 'sha256:'.length + 12);

describe('a server killed mid-pull and started again on its state directory', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slotpull-restart-'));
    await resetEngineEnv(env);
  });
  afterAll(async () => {
    await resetEngineEnv(env);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  for (const engineName of ['podman', 'docker'] as EngineName[]) {
    it(`on ${engineName}: takes the pull up by itself with its id, completes it, lists it, and refuses a second server`, { timeout: TIMEOUT_MS }, async () => {
      const engine = env[engineName] ?? (() => { throw new Error(`${engineName} was not started by tests/env`); })();
      const stateDir = join(dir, `state-${engineName}`);
      const config = join(dir, `slots-${engineName}.json`);
      await writeFile(config, JSON.stringify({ slots: [{ name: 'multi', provider: 'container', image: multi.proxyRef }] }));
      const args = [ENTRY, '--config', config, '--runtime', 'engine', '--engine', engine.socket, '--state-dir', stateDir, '--port', '0'];
      const serverEnv = { PATH: process.env.PATH ?? '' };
      await proxy.reset();
      await proxy.setRate(FIRST_RUN_RATE);

      // The first server: a pull until the engine has completed its first layer, then SIGKILL.
      const first = await startServerProcess(process.execPath, args, serverEnv);
      const started = await (await fetch(`${first.base}/api/slots/multi/pull`, { method: 'POST' })).json();
      const stream = readSse(await fetch(`${first.base}/api/slots/multi/pull/stream`));
      // dockerd says a layer is complete once extracted; podman's last word on a layer is Download complete.
      const kept = engineName === 'docker' ? ['complete'] : ['downloaded', 'complete'];
      const firstLayer = shortId(multi.layers[0]!.digest);
      let lastId = 0;
      let shown = 0;
      let frame: Record<string, any>;
      do {
        const message = await stream.next(TIMEOUT_MS);
        lastId = Number(message.id);
        frame = JSON.parse(message.data);
        shown = Math.max(shown, frame.percent ?? 0);
        expect(frame.state).toBe('pulling');
      } while (!frame.layers.some((layer: { id: string; phase: string }) => layer.id === firstLayer && kept.includes(layer.phase)));
      await proxy.setRate(HOLD_RATE);
      const completedAtKill = frame.layers.filter((layer: { phase: string }) => kept.includes(layer.phase)).map((layer: { id: string }) => layer.id);
      await stream.close();
      expect(await first.stop('SIGKILL')).toBeNull();
      const before = await proxy.stats();
      expect(blobBytes(before, multi.layers[0]!.digest)).toBe(multi.layers[0]!.size);

      // The second server, on the same directory: the pull goes on by itself.
      await proxy.setRate(0);
      const second = await startServerProcess(process.execPath, args, serverEnv);
      try {
        expect(second.output()).toContain(`pull ${started.job_id} of ${multi.proxyRef} taken up again after a restart from`);
        const again = readSse(await fetch(`${second.base}/api/slots/multi/pull/stream?until=done`, { headers: { 'Last-Event-ID': String(lastId) } }));
        const frames: Record<string, any>[] = [];
        for (;;) {
          const message = await again.next(TIMEOUT_MS);
          expect(Number(message.id)).toBeGreaterThan(lastId);
          frames.push(JSON.parse(message.data));
          if (frames.at(-1)!.state !== 'pulling') break;
        }
        expect(frames.at(-1)).toMatchObject({ job_id: started.job_id, state: 'completed', percent: 100, server_restarts: 1, started_at: started.started_at });
        for (const resumed of frames) {
          expect(resumed.job_id).toBe(started.job_id);
          expect(resumed.percent).toBeGreaterThanOrEqual(shown);
        }
        const percents = frames.map((resumed) => resumed.percent as number);
        expect(percents).toEqual([...percents].sort((a, b) => a - b));
        await again.close();

        const after = await proxy.stats();
        for (const layer of multi.layers) {
          const fetchedAgain = blobBytes(after, layer.digest) - blobBytes(before, layer.digest);
          // A layer cut short is fetched whole again (plus what trickled in before the engine noticed its client had gone).
          if (!completedAtKill.includes(shortId(layer.digest))) expect(fetchedAgain, `layer ${shortId(layer.digest)} was not complete: fetched whole`).toBeGreaterThanOrEqual(layer.size);
          else if (engineName === 'podman') expect(fetchedAgain, `layer ${shortId(layer.digest)}, complete before the kill, not fetched again`).toBe(0);
          // dockerd releases the layers of a pull it cancels (its client went away), and a layer nothing refers to is removed.
          else expect(fetchedAgain, `layer ${shortId(layer.digest)}: dockerd removed it when the pull was cancelled`).toBe(layer.size);
        }

        const history = await (await fetch(`${second.base}/api/pulls?slot=multi`)).json();
        expect(history.jobs).toEqual([
          expect.objectContaining({ job_id: started.job_id, image: multi.proxyRef, runtime: engineName, state: 'completed', server_restarts: 1, started_at: started.started_at }),
        ]);

        // A third server on the same directory refuses, naming it.
        const third = spawn(process.execPath, args, { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let refusal = '';
        third.stderr.on('data', (chunk) => (refusal += chunk));
        const code = await new Promise((resolve) => third.once('close', resolve));
        expect(code).toBe(2);
        expect(refusal).toMatch(new RegExp(`^slotpull: state dir ${stateDir} is in use by another slotpull \\(pid ${second.child.pid}, node `));
      } finally {
        expect(await second.stop('SIGTERM')).toBe(0);
      }
      expect(second.output()).toContain('SIGTERM: stopping; no pull is running\n');
    });
  }
});
