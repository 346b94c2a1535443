/**
 * A FAKE clock for element tests. The elements read time through three
 * globals — setTimeout, clearTimeout and performance.now — and while the clock
 * is installed these stand still until tick() moves them, so a test checks
 * "not before 1100 ms, at 1100 ms" instead of sleeping and allowing a window.
 *
 * uninstall() hands the timers still pending to the real clock at their
 * remaining delay, so an element's schedule (the shared timer, a hub's
 * reconnect) carries on. The harness's own deadlines (until, nextEvent) use
 * the real timers kept here, so a wait that never ends still fails in time.
 *
 * Not @sinonjs/fake-timers: it is CommonJS only, and web-test-runner serves
 * ES modules with no CommonJS transform; these three globals are all we fake.
 */

/** The real timers, taken before any test can fake them. */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout.bind(globalThis);
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout.bind(globalThis);

/** Far above the ids the browser hands out, so that clearing a real timer never clears a fake one. */
const FIRST_FAKE_ID = 1_000_000_000;

export interface FakeClock {
  /** Moves time on by `ms`, running each timer that falls due at its time, in order. */
  tick(ms: number): Promise<void>;
  /** Puts the real globals back; pending timers go on on the real clock. Idempotent. */
  uninstall(): void;
}

export function installFakeClock(): FakeClock {
  const timers = new Map<number, { at: number; run: () => void }>();
  let now = performance.now();
  let nextId = FIRST_FAKE_ID;
  let installed = true;

  globalThis.setTimeout = ((handler: TimerHandler, ms = 0, ...args: unknown[]) => {
    if (typeof handler !== 'function') throw new TypeError('the fake clock takes functions only');
    const id = nextId++;
    timers.set(id, { at: now + Math.max(0, ms), run: () => handler(...args) });
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id: number | undefined) => {
    if (id !== undefined && !timers.delete(id)) realClearTimeout(id);
  }) as typeof clearTimeout;
  Object.defineProperty(performance, 'now', { value: () => now, configurable: true });

  const nextDue = (until: number): [number, { at: number; run: () => void }] | undefined => {
    let due: [number, { at: number; run: () => void }] | undefined;
    for (const entry of timers) if (entry[1].at <= until && (due === undefined || entry[1].at < due[1].at)) due = entry;
    return due;
  };

  return {
    async tick(ms) {
      const until = now + ms;
      for (let due = nextDue(until); due !== undefined; due = nextDue(until)) {
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
        // Let what the timer started (promises, Lit's update) run before the next one.
        await new Promise((resolve) => realSetTimeout(resolve, 0));
      }
      now = until;
    },
    uninstall() {
      if (!installed) return;
      installed = false;
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
      delete (performance as { now?: unknown }).now;
      for (const { at, run } of timers.values()) realSetTimeout(run, at - now);
      timers.clear();
    },
  };
}
