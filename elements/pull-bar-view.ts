/**
 * What `<slot-image-pull-bar>` shows, as pure functions of the slot's
 * snapshot: its state, label, meta line and the words for aria-valuetext.
 */
import type { Display, Formatter } from './format.ts';
import * as messages from './messages.ts';
import { bytesPhrase, etaPhrase, layerPhrase, speedPhrase } from './messages.ts';
import type { PullSnapshot } from '../wire/types.ts';

/** What the bar shows; reflected as the `state` attribute. */
export const PullBarState = {
  /** No data yet (hidden unless `show-idle`). */
  connecting: 'connecting',
  /** No pull running (hidden unless `show-idle`). */
  idle: 'idle',
  determinate: 'determinate',
  indeterminate: 'indeterminate',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  /** A pull was running when the connection dropped: the last data stays. */
  reconnecting: 'reconnecting',
  /** No slot, server out of reach, or a bad attribute: a sentence says which. */
  problem: 'problem',
} as const;
export type PullBarState = (typeof PullBarState)[keyof typeof PullBarState];

/**
 * The bar's state. `completedExpired`: "Image ready" has been shown for
 * `hide-after` seconds (and the bar is not `sticky`).
 */
export function pullBarState(s: PullSnapshot | undefined, hasProblem: boolean, connected: boolean, completedExpired: boolean): PullBarState {
  if (hasProblem) return PullBarState.problem;
  if (s === undefined) return PullBarState.connecting;
  switch (s.state) {
    case 'pulling':
      if (!connected) return PullBarState.reconnecting;
      return s.percent === null ? PullBarState.indeterminate : PullBarState.determinate;
    case 'completed':
      return completedExpired ? PullBarState.idle : PullBarState.completed;
    case 'failed':
    case 'cancelled':
      return s.state;
    case 'present':
    case 'missing':
    case 'unknown':
      return PullBarState.idle;
  }
}

/** Whether the state shows a pull that is (or was, before a drop) running. */
export const isRunning = (state: PullBarState): boolean =>
  state === PullBarState.determinate || state === PullBarState.indeterminate || state === PullBarState.reconnecting;

/** Whether the state shows the track (a pull's, or the last one's outcome). */
export const hasTrack = (state: PullBarState): boolean =>
  state !== PullBarState.problem && state !== PullBarState.connecting && state !== PullBarState.idle;

/** The label; `problem` is the sentence for the `problem` state. */
export function label(state: PullBarState, s: PullSnapshot | undefined, problem: string): string {
  if (state === PullBarState.problem) return problem;
  if (s === undefined || state === PullBarState.connecting) return messages.connecting;
  // "Image present" also after a pull has completed and hidden.
  if (state === PullBarState.idle) return messages.idle[s.state === 'missing' || s.state === 'unknown' ? s.state : 'present'];
  if (state === PullBarState.failed) return messages.pullFailed(s.error ?? messages.unknownError);
  return LABELS[state] ?? messages.pulling(s.image); // determinate, indeterminate
}

/** The labels that need nothing from the snapshot. */
const LABELS: Partial<Record<PullBarState, string>> = {
  reconnecting: messages.reconnecting,
  completed: messages.ready,
  cancelled: messages.cancelled,
};

const present = (items: readonly (string | null | undefined)[]): string[] => items.filter((item): item is string => item != null);

const percentPhrase = (s: PullSnapshot, f: Formatter): string | null => (s.percent === null ? null : f.percent(s.percent));

/** "41%", bytes, speed, ETA and layers: those the snapshot has. */
const phrases = (s: PullSnapshot, f: Formatter, display: Display): string[] =>
  present([
    percentPhrase(s, f),
    bytesPhrase(s, f, display),
    speedPhrase(s, f, display),
    etaPhrase(s, f, display),
    layerPhrase(s, f, display),
  ]);

/** The meta line: "41%", "612 MB of ≥1.4 GB", "24.5 MB/s", "about 35 sec left", "layer 3/9" while running; the size once complete. */
export function metaItems(state: PullBarState, s: PullSnapshot | undefined, f: Formatter): string[] {
  if (s === undefined) return [];
  if (state === PullBarState.completed) return present([bytesPhrase(s, f)]);
  return isRunning(state) ? phrases(s, f, 'short') : [];
}

const STATE_WORDS: Partial<Record<PullBarState, string>> = messages.stateWords;

/** The bar in words, for aria-valuetext: "41%, 612 megabytes of at least 1.4 gigabytes, …". */
export function valueText(state: PullBarState, s: PullSnapshot, f: Formatter): string {
  const words = [STATE_WORDS[state], ...(isRunning(state) ? phrases(s, f, 'long') : [percentPhrase(s, f)])];
  const text = present(words).join(', ');
  return text === '' ? messages.waitingForData : text;
}
