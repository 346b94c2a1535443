/**
 * 30 crashes at random moments of processes that record finishing jobs in a
 * loop (tests/state/support/children.mjs, from dist/: build first), with
 * five process starts rather than thirty:
 *
 * - each writer is stopped (SIGSTOP) five times at random moments, and its
 *   files are copied while it stands still: the copy holds exactly what a
 *   SIGKILL at that moment would leave (a stopped process has finished every
 *   syscall it began, and writes nothing more), so the copy is opened as a
 *   restarted server would open it; then the writer goes on (SIGCONT);
 * - then it is killed for real (SIGKILL) at a random moment, and its own
 *   directory is opened where it lies, the lock of the dead writer first.
 *
 * After each, the store loads without a repair step, holds no job twice, and
 * holds every job the writer had acknowledged (in a file it appends to
 * synchronously after each finish), so at most the record being written was
 * lost. The moments come from a seeded random, printed on failure, so a
 * failing run can be repeated.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/core/seeded-random.ts';
import { LIFECYCLE_FILE, PROGRESS_FILE, openJobStore } from '../../server/state/job-store.ts';
import { acquireStateLock } from '../../server/state/state-lock.ts';
import { useChildren } from './support/child.ts';
import { useTempDirs } from './temp-dir.ts';

const CHILD = new URL('./support/node-child.mjs', import.meta.url).pathname;
const WRITERS = 5;
/** Stops of each writer before the SIGKILL that ends it. */
const FREEZES_PER_WRITER = 5;
const CRASHES = WRITERS * (FREEZES_PER_WRITER + 1);
/** A crash comes this long at most after the writer is ready, or goes on. */
const MAX_CRASH_DELAY_MS = 60;
const SEED = 16;
const CRASH_TEST_TIMEOUT_MS = 180_000;
const JOURNALS = [LIFECYCLE_FILE, PROGRESS_FILE].flatMap((name) => [name, `${name}.tmp`]);
const tempDir = useTempDirs('slotpull-crash');
const start = useChildren();

interface Check {
  where: string;
  /** Ids of jobs acknowledged by every writer so far. */
  acknowledged: ReadonlySet<string>;
  /** The id prefix of the writer that crashed. */
  prefix: string;
}

/** Opens the store in `dir` and checks it; returns the ids it holds that nobody had acknowledged, and whether a line was skipped. */
async function check(dir: string, { where, acknowledged, prefix }: Check): Promise<{ unacknowledged: string[]; torn: boolean }> {
  const store = openJobStore({ dir });
  const { history } = store;
  expect(history.recovery.skipped, where).toBeLessThanOrEqual(2);
  const finished: string[] = [];
  for (let page = history.page({ limit: 500 }); ; page = history.page({ limit: 500, before: page.next_before as string })) {
    finished.push(...page.jobs.filter((job) => job.state !== 'pulling').map((job) => job.job_id));
    if (page.next_before === null) break;
  }
  const held = new Set(finished);
  const active = history.activeJobs().map((job) => job.id);
  expect(held.size, `no job twice in the history, ${where}`).toBe(finished.length);
  expect(active.filter((id) => held.has(id)), `no job both running and finished, ${where}`).toEqual([]);
  expect(history.finishedCount).toBe(finished.length);
  expect([...acknowledged].filter((id) => !held.has(id)), `acknowledged jobs lost, ${where}`).toEqual([]);
  // Beyond the acknowledged ones, at most the one job that was being recorded.
  const unacknowledged = [...finished, ...active].filter((id) => !acknowledged.has(id));
  expect(unacknowledged.filter((id) => id.startsWith(`p_${prefix}_`)).length, where).toBeLessThanOrEqual(1);
  const torn = history.recovery.skipped > 0;
  await store.close();
  return { unacknowledged: unacknowledged.filter((id) => held.has(id)), torn };
}

const pause = (random: () => number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * MAX_CRASH_DELAY_MS)));

describe('the pull store under SIGKILL', () => {
  it(`loads after each of ${CRASHES} crashes at random moments, with no job twice and nothing acknowledged lost`, async () => {
    const dir = tempDir();
    const random = seededRandom(SEED);
    const acknowledged = new Set<string>();
    const acknowledgedBy = (ackFile: string): string[] => (existsSync(ackFile) ? readFileSync(ackFile, 'utf8').split('\n').filter((id) => id !== '') : []);
    let tornReads = 0;
    let cutCompactions = 0;
    // Each writer is started during the one before, so that Node's start-up overlaps the checks.
    const writer = (n: number) => {
      const ackFile = join(dir, `ack-${n}`);
      return { ackFile, child: start(process.execPath, [CHILD, 'store', dir, `w${n}`, '--wait-go', '--ack', ackFile]) };
    };
    let upcoming = writer(0);
    for (let n = 0; n < WRITERS; n++) {
      const { ackFile, child } = upcoming;
      const prefix = `w${n}`;
      await child.next(`start of writer ${n} (seed ${SEED})`);
      child.send('go');
      const ready = await child.next(`writer ${n} ready (seed ${SEED})`);
      expect(ready.finished, `writer ${n} read back every acknowledged job (seed ${SEED})`).toBe(acknowledged.size);
      if (n + 1 < WRITERS) upcoming = writer(n + 1);

      for (let freeze = 0; freeze < FREEZES_PER_WRITER; freeze++) {
        const where = `writer ${n}, stop ${freeze} (seed ${SEED})`;
        await pause(random);
        await child.freeze();
        const snapshot = mkdtempSync(join(tmpdir(), 'slotpull-crash-copy-'));
        try {
          const ackedNow = new Set([...acknowledged, ...acknowledgedBy(ackFile)]);
          for (const name of JOURNALS) if (existsSync(join(dir, name))) copyFileSync(join(dir, name), join(snapshot, name));
          if (existsSync(join(snapshot, `${LIFECYCLE_FILE}.tmp`)) || existsSync(join(snapshot, `${PROGRESS_FILE}.tmp`))) cutCompactions += 1;
          tornReads += (await check(snapshot, { where, acknowledged: ackedNow, prefix })).torn ? 1 : 0;
        } finally {
          rmSync(snapshot, { recursive: true, force: true });
          // Only now: a writer that ran on through every check would pass the history's 10,000-job cap, which drops the oldest.
          child.thaw();
        }
      }

      const where = `writer ${n}, SIGKILL (seed ${SEED})`;
      await pause(random);
      await child.kill();
      for (const id of acknowledgedBy(ackFile)) acknowledged.add(id);
      if (existsSync(join(dir, `${LIFECYCLE_FILE}.tmp`)) || existsSync(join(dir, `${PROGRESS_FILE}.tmp`))) cutCompactions += 1;
      // Opened the way a restarted server opens it: the lock first (its holder was killed), then the store.
      const lock = await acquireStateLock(dir, { staleMs: 600_000 });
      const { unacknowledged, torn } = await check(dir, { where, acknowledged, prefix });
      tornReads += torn ? 1 : 0;
      // A job written but not acknowledged before the kill is in the store for good now.
      for (const id of unacknowledged) acknowledged.add(id);
      lock.release();
    }
    expect(acknowledged.size).toBeGreaterThan(CRASHES);
    // For the log: how many crashes tore a record or cut a compaction (random, not asserted).
    console.info(
      `crash test: ${acknowledged.size} jobs finished over ${CRASHES} crashes (${WRITERS} SIGKILLs, ${WRITERS * FREEZES_PER_WRITER} stops); ${tornReads} reads skipped a torn line, ${cutCompactions} crashes cut a compaction`,
    );
  }, CRASH_TEST_TIMEOUT_MS);
});
