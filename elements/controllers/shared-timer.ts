/**
 * Runs callbacks at their times with one timer for the whole page. The server
 * sends every pull's frames on one beat, so the throttled `slot-pull-progress`
 * of every pull bar falls due at about the same moment: one timer task then
 * sends them all, where a timer per bar would run a task per bar and frame
 * (100 bars: some 400 tasks a second).
 */

/** Callbacks waiting, with their times (performance.now()). */
const waiting = new Map<() => void, number>();
let timer: ReturnType<typeof setTimeout> | undefined;
/** When the timer fires; Infinity while none is set. */
let timerAt = Infinity;

/** Runs `callback` once, at `at` (a performance.now() time) or soon after; a second call for the same callback moves it. */
export function runAt(callback: () => void, at: number): void {
  waiting.set(callback, at);
  if (at >= timerAt) return;
  clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(fire, Math.ceil(at - performance.now())); // a time already past: at once
}

/** Forgets `callback` if it has not run yet (the timer may still fire, with nothing to do). */
export function cancelRun(callback: () => void): void {
  waiting.delete(callback);
}

function fire(): void {
  timerAt = Infinity;
  const now = performance.now();
  for (const [callback, at] of waiting) {
    if (at > now) continue;
    waiting.delete(callback);
    callback();
  }
  // The timer again, for the earliest callback left.
  for (const [callback, at] of waiting) runAt(callback, at);
}
