import { expect } from 'chai';
import { cancelRun, runAt } from '../../elements/controllers/shared-timer.ts';

/** A callback for runAt that records when it ran and whether it ran in the task of the callback before it. */
function probe(log: { name: string; at: number; sameTask: boolean }[], name: string, inTask: { current: boolean }): { run: () => void; ran: Promise<void> } {
  let resolve: () => void = () => {};
  const ran = new Promise<void>((r) => (resolve = r));
  return {
    ran,
    run: () => {
      log.push({ name, at: performance.now(), sameTask: inTask.current });
      // Microtasks run only once the timer's task is over: until then, the next callback sees true.
      inTask.current = true;
      queueMicrotask(() => (inTask.current = false));
      resolve();
    },
  };
}

describe('the shared timer', () => {
  it('runs callbacks due at one time in one task, none before its time', async () => {
    const log: { name: string; at: number; sameTask: boolean }[] = [];
    const inTask = { current: false };
    const at = performance.now() + 30;
    const probes = ['a', 'b', 'c'].map((name) => probe(log, name, inTask));
    for (const p of probes) runAt(p.run, at);
    await Promise.all(probes.map((p) => p.ran));
    expect(log.map((entry) => entry.name)).to.deep.equal(['a', 'b', 'c']);
    expect(log.map((entry) => entry.sameTask)).to.deep.equal([false, true, true]);
    for (const entry of log) expect(entry.at).to.be.at.least(at);
  });

  it('runs an earlier callback added later at its own time, and a moved one once', async () => {
    const log: { name: string; at: number; sameTask: boolean }[] = [];
    const inTask = { current: false };
    const [late, early] = [probe(log, 'late', inTask), probe(log, 'early', inTask)];
    const now = performance.now();
    runAt(late.run, now + 400);
    runAt(late.run, now + 60); // moved: runs once, at the new time
    runAt(early.run, now + 20);
    await Promise.all([late.ran, early.ran]);
    expect(log.map((entry) => entry.name)).to.deep.equal(['early', 'late']);
    expect(log[0]!.at).to.be.at.least(now + 20);
    expect(log[1]!.at).to.be.within(now + 60, now + 400);
  });

  it('never runs a cancelled callback', async () => {
    const log: { name: string; at: number; sameTask: boolean }[] = [];
    const inTask = { current: false };
    const [cancelled, kept] = [probe(log, 'cancelled', inTask), probe(log, 'kept', inTask)];
    const now = performance.now();
    runAt(cancelled.run, now + 10);
    runAt(kept.run, now + 40);
    cancelRun(cancelled.run);
    await kept.ran;
    expect(log.map((entry) => entry.name)).to.deep.equal(['kept']);
  });
});
