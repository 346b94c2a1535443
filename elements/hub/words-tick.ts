/**
 * The page's one beat for words. While a pull runs, the numbers in words
 * (percent, bytes, speed, ETA, layer) change once a second, and for every
 * element of the page at the same moment: a slot's channel waits for the
 * next beat, and all channels that wait then take their newest snapshot at
 * once (issue 15: a chip at 34 % beside a bar saying 30 %, two bars of one
 * shared pull saying 957 MB and 925 MB, came from each element keeping its
 * own second). The beats fall on whole seconds of performance.now().
 */
import { cancelRun, runAt } from '../controllers/shared-timer.ts';

export const WORDS_INTERVAL_MS = 1_000;

/** What waits for the beat: a slot's channel. */
export interface WordsWaiter {
  /** The beat has come: take the newest snapshot for the words. */
  beat(): void;
}

const waiting = new Set<WordsWaiter>();

/** Calls `waiter.beat()` at the page's next beat (once, however often it asks before then). */
export function waitForBeat(waiter: WordsWaiter): void {
  if (waiting.size === 0) runAt(beat, (Math.floor(performance.now() / WORDS_INTERVAL_MS) + 1) * WORDS_INTERVAL_MS);
  waiting.add(waiter);
}

/** Forgets `waiter` (its connection is closing); the page's timer stops when nothing waits. */
export function leaveBeat(waiter: WordsWaiter): void {
  if (waiting.delete(waiter) && waiting.size === 0) cancelRun(beat);
}

function beat(): void {
  const due = [...waiting];
  waiting.clear();
  for (const waiter of due) waiter.beat();
}
