/**
 * One server per state directory, with real processes: a live holder
 * refuses, a SIGKILLed one does not leave the directory stuck (judged by its
 * identity at once, or by its heartbeat where identity cannot be read), and
 * of several starters at once exactly one wins. Children run dist/ (build first).
 */
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHolder, lockFileName } from '../../server/state/lock-holder.ts';
import { currentProcess, linuxProcessTable } from '../../server/state/process-identity.ts';
import { StateDirLockedError, acquireStateLock, type StateLock } from '../../server/state/state-lock.ts';
import { TEST_HEARTBEAT_MS, TEST_STALE_MS, useChildren } from './support/child.ts';
import { useTempDirs } from './temp-dir.ts';

const CHILD = new URL('./support/node-child.mjs', import.meta.url).pathname;
/** So long that a test relying on the heartbeat by mistake times out instead of passing. */
const NEVER_MS = 600_000;
/** Several Node processes start in these tests: slow on a loaded machine, never waiting on a clock. */
const PROCESS_TEST_TIMEOUT_MS = 30_000;
const tempDir = useTempDirs('slotpull-lock');
const start = useChildren();
const nodeChild = (dir: string, ...flags: string[]) => start(process.execPath, [CHILD, 'lock', dir, ...flags]);

async function refusal(promise: Promise<StateLock>): Promise<StateDirLockedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StateDirLockedError);
  return error as StateDirLockedError;
}

describe('acquireStateLock', () => {
  it('takes a free directory, refuses a second taker naming the directory, and frees it on release', async () => {
    const dir = tempDir();
    const lock = await acquireStateLock(dir);
    expect(lock.file).toBe(join(dir, lockFileName(1)));
    expect(lock.tookOver).toBeNull();
    expect(lock.holder).toMatchObject({ pid: process.pid, runtime: `node ${process.versions.node}` });
    const error = await refusal(acquireStateLock(dir, { staleMs: NEVER_MS }));
    expect(error.message).toBe(
      `state dir ${dir} is in use by another slotpull (pid ${process.pid}, node ${process.versions.node}, since ${lock.holder.since}): stop that one, or give this one another --state-dir`,
    );
    lock.release();
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    const again = await acquireStateLock(dir);
    again.release();
  });

  it('refuses while another live process holds it', async () => {
    const dir = tempDir();
    const holder = nodeChild(dir);
    await holder.next('ready');
    expect(await holder.next('locked')).toMatchObject({ locked: join(dir, lockFileName(1)) });
    const error = await refusal(acquireStateLock(dir, { staleMs: NEVER_MS }));
    expect(error.holder?.pid).toBe(holder.pid);
    expect(error.message).toContain(`state dir ${dir} is in use by another slotpull (pid ${holder.pid}, node `);
    holder.send('release');
    expect(await holder.next('released')).toEqual({ released: true });
    (await acquireStateLock(dir)).release();
  }, PROCESS_TEST_TIMEOUT_MS);

  it('takes over at once from a holder killed with SIGKILL, by its process identity', async () => {
    const dir = tempDir();
    const holder = nodeChild(dir);
    await holder.next('ready');
    await holder.next('locked');
    await holder.kill();
    const lock = await acquireStateLock(dir, { staleMs: NEVER_MS });
    expect(lock.tookOver?.pid).toBe(holder.pid);
    expect(readdirSync(dir)).toEqual([lockFileName(2)]);
    lock.release();
  }, PROCESS_TEST_TIMEOUT_MS);

  it('is not fooled by a PID that now belongs to another process', async () => {
    const dir = tempDir();
    const me = currentProcess(linuxProcessTable());
    // This very process, but with another start time: the holder that had this PID is gone.
    writeFileSync(join(dir, lockFileName(4)), formatHolder({ ...me, start: '1', nonce: 'old', runtime: 'node 18', since: '2020-01-01T00:00:00.000Z' }));
    const lock = await acquireStateLock(dir, { staleMs: NEVER_MS });
    expect(lock.file).toBe(join(dir, lockFileName(5)));
    expect(lock.tookOver?.nonce).toBe('old');
    lock.release();
  });

  it('judges by the heartbeat where identity cannot be read: a live holder refuses, a killed one is taken over', async () => {
    const dir = tempDir();
    const holder = nodeChild(dir, '--heartbeat-ms', String(TEST_HEARTBEAT_MS));
    await holder.next('ready');
    await holder.next('locked');
    const heartbeatOnly = { processTable: null, staleMs: TEST_STALE_MS };
    expect((await refusal(acquireStateLock(dir, heartbeatOnly))).holder?.pid).toBe(holder.pid);
    await holder.kill();
    const lock = await acquireStateLock(dir, heartbeatOnly);
    expect(lock.tookOver?.pid).toBe(holder.pid);
    lock.release();
  }, PROCESS_TEST_TIMEOUT_MS);

  it('takes over an empty lock file (a power loss) once it has been still for staleMs', async () => {
    const dir = tempDir();
    const file = join(dir, lockFileName(1));
    writeFileSync(file, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(file, longAgo, longAgo);
    const lock = await acquireStateLock(dir, { staleMs: 5000 });
    expect(lock.tookOver).toBeNull();
    expect(readdirSync(dir)).toEqual([lockFileName(2)]);
    lock.release();
  });

  it('lets exactly one of several simultaneous starters win, over a dead lock and over none', async () => {
    for (const stale of [true, false]) {
      const dir = tempDir();
      if (stale) {
        const dead = nodeChild(dir);
        await dead.next('ready');
        await dead.next('locked');
        await dead.kill();
      }
      const starters = Array.from({ length: 3 }, () => nodeChild(dir, '--wait-go', '--stale-ms', String(NEVER_MS)));
      await Promise.all(starters.map((child) => child.next('ready')));
      for (const child of starters) child.send('go');
      const outcomes = await Promise.all(starters.map((child) => child.next('locked or refused')));
      const winners = outcomes.filter((outcome) => 'locked' in outcome);
      expect(winners, JSON.stringify(outcomes)).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => 'refused' in o)) expect(outcome.refused).toContain(`state dir ${dir} is in use by another slotpull`);
      expect(readdirSync(dir).filter((name) => name.startsWith('slotpull.lock.'))).toEqual([(winners[0]!.locked as string).split('/').at(-1)]);
    }
  }, PROCESS_TEST_TIMEOUT_MS);

  it('tells the holder when its lock file is removed under it, and release then leaves others alone', async () => {
    const dir = tempDir();
    let told!: (message: string) => void;
    const lost = new Promise<string>((resolve) => (told = resolve));
    const lock = await acquireStateLock(dir, { heartbeatMs: 20, onLost: (message) => told(message) });
    rmSync(lock.file);
    expect(await lost).toBe(`the lock file ${lock.file} was removed while this server held it: another server may now use state dir ${dir}`);
    const other = await acquireStateLock(dir);
    lock.release();
    expect(existsSync(other.file)).toBe(true);
    other.release();
  });
});
