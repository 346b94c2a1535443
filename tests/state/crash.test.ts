/**
 * 30 SIGKILLs at random moments of a process that records finishing jobs in
 * a loop (tests/state/support/children.mjs, from dist/: build first). After
 * each, the store is opened again here: it loads without a repair step, holds
 * no job twice, and holds every job the child said was finished, so at most
 * the record being written was lost. The moments come from a seeded random,
 * printed on failure, so a failing run can be repeated.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/core/seeded-random.ts';
import { LIFECYCLE_FILE, PROGRESS_FILE, openJobStore } from '../../server/state/job-store.ts';
import { acquireStateLock } from '../../server/state/state-lock.ts';
import { useChildren } from './support/child.ts';
import { useTempDirs } from './temp-dir.ts';

const CHILD = new URL('./support/node-child.mjs', import.meta.url).pathname;
const KILLS = 30;
/** The kill comes this long at most after the child is ready. */
const MAX_KILL_DELAY_MS = 60;
const SEED = 16;
const CRASH_TEST_TIMEOUT_MS = 180_000;
const tempDir = useTempDirs('slotpull-crash');
const start = useChildren();

describe('the pull store under SIGKILL', () => {
  it(`loads after each of ${KILLS} kills at random moments, with no job twice and nothing acknowledged lost`, async () => {
    const dir = tempDir();
    const random = seededRandom(SEED);
    const acknowledged = new Set<string>();
    let tornReads = 0;
    let cutCompactions = 0;
    // Each round's child is started during the round before, so that Node's start-up overlaps the checks.
    const writer = (round: number) => start(process.execPath, [CHILD, 'store', dir, `r${round}`, '--wait-go']);
    let upcoming = writer(0);
    for (let round = 0; round < KILLS; round++) {
      const where = `round ${round} (seed ${SEED})`;
      const child = upcoming;
      await child.next(`start in ${where}`);
      child.send('go');
      const ready = await child.next(`ready in ${where}`);
      expect(ready.finished, where).toBe(acknowledged.size);
      if (round + 1 < KILLS) upcoming = writer(round + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * MAX_KILL_DELAY_MS)));
      await child.kill();
      for (;;) {
        const line = await child.next(`a line in ${where}`).catch(() => null);
        if (line === null) break;
        acknowledged.add(line.done as string);
      }
      if (existsSync(join(dir, `${LIFECYCLE_FILE}.tmp`)) || existsSync(join(dir, `${PROGRESS_FILE}.tmp`))) cutCompactions += 1;

      // Opened the way a restarted server opens it: the lock first (its holder was killed), then the store.
      const lock = await acquireStateLock(dir, { staleMs: 600_000 });
      const store = openJobStore({ dir });
      const { history } = store;
      tornReads += history.recovery.skipped > 0 ? 1 : 0;
      expect(history.recovery.skipped, where).toBeLessThanOrEqual(2);
      const finished = history.page({ limit: 500 });
      const all: string[] = [];
      for (let page = finished; ; page = history.page({ limit: 500, before: page.next_before as string })) {
        all.push(...page.jobs.filter((job) => job.state !== 'pulling').map((job) => job.job_id));
        if (page.next_before === null) break;
      }
      const active = history.activeJobs().map((job) => job.id);
      expect(new Set(all).size, `no job twice in the history, ${where}`).toBe(all.length);
      expect(active.filter((id) => all.includes(id)), `no job both running and finished, ${where}`).toEqual([]);
      expect(history.finishedCount).toBe(all.length);
      const missing = [...acknowledged].filter((id) => !all.includes(id));
      expect(missing, `acknowledged jobs lost, ${where}`).toEqual([]);
      // Beyond the acknowledged ones, at most the one job that was being recorded.
      const unacknowledged = [...all, ...active].filter((id) => !acknowledged.has(id));
      expect(unacknowledged.filter((id) => id.startsWith(`p_r${round}_`)).length, where).toBeLessThanOrEqual(1);
      for (const id of unacknowledged.filter((id) => all.includes(id))) acknowledged.add(id);
      await store.close();
      lock.release();
    }
    expect(acknowledged.size).toBeGreaterThan(KILLS);
    // For the log: how many kills tore a record or cut a compaction (random, not asserted).
    console.info(`crash test: ${acknowledged.size} jobs finished over ${KILLS} kills; ${tornReads} reads skipped a torn line, ${cutCompactions} kills cut a compaction`);
  }, CRASH_TEST_TIMEOUT_MS);
});
