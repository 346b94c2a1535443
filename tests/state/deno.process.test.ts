/**
 * The same state directory used from Deno (node_modules/.bin/deno, running
 * the TypeScript source) and from Node: Deno reads what Node wrote and takes
 * a job up again, Node reads what Deno wrote, and the lock holds between the
 * two runtimes. Deno needs only --allow-read=DIR --allow-write=DIR: it may
 * not read /proc (that takes --allow-all), so a Deno holder is judged by its
 * heartbeat.
 */
import { describe, expect, it } from 'vitest';
import { openJobStore } from '../../server/state/job-store.ts';
import { StateDirLockedError, acquireStateLock } from '../../server/state/state-lock.ts';
import { TEST_HEARTBEAT_MS, TEST_STALE_MS, useChildren } from './support/child.ts';
import { useTempDirs } from './temp-dir.ts';

const DENO = new URL('../../node_modules/.bin/deno', import.meta.url).pathname;
const CHILD = new URL('./support/deno-child.ts', import.meta.url).pathname;
const DENO_ENV = { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
/** Deno compiles the TypeScript sources on its first run: slow on a loaded machine. */
const DENO_TEST_TIMEOUT_MS = 60_000;
const tempDir = useTempDirs('slotpull-deno-state');
const start = useChildren();
const deno = (kind: 'lock' | 'store', dir: string, ...args: string[]) =>
  start(DENO, ['run', `--allow-read=${dir}`, `--allow-write=${dir}`, CHILD, kind, dir, ...args], DENO_ENV);

describe('the pull store from Deno', () => {
  it('reads what Node wrote, resumes a job, and writes what Node reads back', async () => {
    const dir = tempDir();
    const T0 = Date.now() - 60_000;
    const node = openJobStore({ dir });
    node.history.start({ id: 'p_node_run', image: 'registry.test/big:1', runtime: 'podman', slots: ['big'], started_at: T0 });
    node.history.progress('p_node_run', { percent: 40, bytes_done: 40, bytes_total: 100, at: T0 });
    node.history.start({ id: 'p_node_done', image: 'registry.test/multi:1', runtime: 'podman', slots: ['multi'], started_at: T0 + 1 });
    node.history.finish({ id: 'p_node_done', state: 'cancelled', error_code: null, error: null, finished_at: T0 + 2, bytes_done: 5, bytes_total: 100 });
    await node.close();

    const child = deno('store', dir, 'deno', '--jobs', '3', '--resume', 'p_node_run');
    const ready = await child.next('ready from Deno');
    expect(ready).toMatchObject({ recovery: { records: 4, skipped: 0 }, finished: 1 });
    expect(ready.active).toEqual([
      { id: 'p_node_run', image: 'registry.test/big:1', runtime: 'podman', slots: ['big'], started_at: T0, resumes: 0, progress: { percent: 40, bytes_done: 40, bytes_total: 100, at: T0 } },
    ]);
    for (let i = 0; i < 3; i++) expect(await child.next(`job ${i} from Deno`)).toEqual({ done: `p_deno_${i}` });
    expect(await child.next('closed from Deno')).toEqual({ closed: true });

    const again = openJobStore({ dir });
    expect(again.history.activeJobs()).toEqual([]);
    const jobs = again.history.page().jobs;
    expect(jobs.map((job) => [job.job_id, job.state, job.runtime])).toEqual([
      ['p_deno_2', 'completed', 'deno-test'],
      ['p_deno_1', 'completed', 'deno-test'],
      ['p_deno_0', 'failed', 'deno-test'],
      ['p_node_done', 'cancelled', 'podman'],
      ['p_node_run', 'completed', 'podman'],
    ]);
    expect(jobs.find((job) => job.job_id === 'p_node_run')?.server_restarts).toBe(1);
    await again.close();
  }, DENO_TEST_TIMEOUT_MS);

  it('keeps one server per directory across runtimes, and a killed Deno holder does not leave it stuck', async () => {
    const dir = tempDir();
    const holder = deno('lock', dir, '--heartbeat-ms', String(TEST_HEARTBEAT_MS));
    await holder.next('ready from Deno');
    expect(await holder.next('lock from Deno')).toMatchObject({ tookOver: null });
    // Node cannot see a Deno holder's start time: it watches the heartbeat for staleMs.
    const refused = await acquireStateLock(dir, { staleMs: TEST_STALE_MS }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StateDirLockedError);
    expect((refused as Error).message).toMatch(new RegExp(`^state dir ${dir} is in use by another slotpull \\(pid ${holder.pid}, deno \\d`));
    await holder.kill();
    const lock = await acquireStateLock(dir, { staleMs: TEST_STALE_MS, heartbeatMs: TEST_HEARTBEAT_MS });
    expect(lock.tookOver?.pid).toBe(holder.pid);

    // And the other way: Deno, judging a Node holder by its heartbeat, refuses.
    const starter = deno('lock', dir, '--stale-ms', String(TEST_STALE_MS));
    await starter.next('ready from the second Deno');
    const outcome = await starter.next('refusal from Deno');
    expect(outcome.refused).toBe(
      `state dir ${dir} is in use by another slotpull (pid ${process.pid}, node ${process.versions.node}, since ${lock.holder.since}): stop that one, or give this one another --state-dir`,
    );
    lock.release();
  }, DENO_TEST_TIMEOUT_MS);
});
