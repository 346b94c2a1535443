/**
 * What `<slot-image-pull-bar>` shows, as pure functions of the slot's
 * snapshot: its state, the meta line and the words for aria-valuetext.
 */
import type { Formatter } from './format.ts';
import { bytesPhrase, etaPhrase, layerPhrase, messages, speedPhrase } from './messages.ts';
import type { PullSnapshot } from './wire.ts';

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

export interface PullBarInputs {
  readonly snapshot: PullSnapshot | undefined;
  readonly hasProblem: boolean;
  readonly connected: boolean;
  /** "Image ready" has been shown for `hide-after` seconds (and the bar is not `sticky`). */
  readonly completedExpired: boolean;
}

export function pullBarState({ snapshot: s, hasProblem, connected, completedExpired }: PullBarInputs): PullBarState {
  if (hasProblem) return PullBarState.problem;
  if (s === undefined) return PullBarState.connecting;
  switch (s.state) {
    case 'pulling':
      if (!connected) return PullBarState.reconnecting;
      return s.percent === null ? PullBarState.indeterminate : PullBarState.determinate;
    case 'completed':
      return completedExpired ? PullBarState.idle : PullBarState.completed;
    case 'failed':
      return PullBarState.failed;
    case 'cancelled':
      return PullBarState.cancelled;
    case 'present':
    case 'missing':
    case 'unknown':
      return PullBarState.idle;
  }
}

/** Whether the state shows a pull that is (or was, before a drop) running. */
export const isRunning = (state: PullBarState): boolean =>
  state === PullBarState.determinate || state === PullBarState.indeterminate || state === PullBarState.reconnecting;

/** The meta line: "41%", "612 MB of ≥1.4 GB", "24.5 MB/s", "about 35 sec left", "layer 3/9". */
export function metaItems(s: PullSnapshot, f: Formatter): string[] {
  const percent = s.percent === null ? null : f.percent(s.percent);
  return [percent, bytesPhrase(s, f), speedPhrase(s, f), etaPhrase(s, f), layerPhrase(s, f)].filter(
    (item): item is string => item !== null,
  );
}

const STATE_WORDS: Partial<Record<PullBarState, string>> = {
  completed: messages.stateWords.completed,
  failed: messages.stateWords.failed,
  cancelled: messages.stateWords.cancelled,
  reconnecting: messages.stateWords.reconnecting,
};

/** The bar in words, for aria-valuetext: "41%, 612 megabytes of at least 1.4 gigabytes, …". */
export function valueText(state: PullBarState, s: PullSnapshot, f: Formatter): string {
  const words = [STATE_WORDS[state] ?? null, s.percent === null ? null : f.percent(s.percent)];
  if (isRunning(state)) words.push(bytesPhrase(s, f, 'long'), speedPhrase(s, f, 'long'), etaPhrase(s, f, 'long'), layerPhrase(s, f, 'long'));
  const text = words.filter((word): word is string => word !== null).join(', ');
  return text === '' ? messages.waitingForData : text;
}

/** "Image present" after a pull has completed and hidden, else the image's no-job state. */
export function idleLabel(s: PullSnapshot | undefined): string {
  switch (s?.state) {
    case 'missing':
      return messages.idle.missing;
    case 'unknown':
    case undefined:
      return messages.idle.unknown;
    default:
      return messages.idle.present;
  }
}
