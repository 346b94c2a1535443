/**
 * What `<slot-image-pull-bar>` shows, as pure functions of the slot's
 * snapshot: its state, label, meta line and the words for aria-valuetext.
 */
import type { Display, Formatter } from './format.ts';
import type { PhraseKey } from './messages.ts';
import type { Problem } from './slot-element.ts';
import type { PullSnapshot } from '../wire/types.ts';

/** What the bar shows; reflected as the `state` attribute. */
export const PullBarState = {
  /** No data yet (hidden unless `show-idle`). */
  connecting: 'connecting',
  /** No pull running and nothing to do: the image is there or cannot be asked about (hidden unless `show-idle`). */
  idle: 'idle',
  /** The image is not pulled yet: "Image not pulled yet" and Pull. */
  missing: 'missing',
  determinate: 'determinate',
  indeterminate: 'indeterminate',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  /** The pull vanished without an end (the server lost it): Retry. */
  interrupted: 'interrupted',
  /** A pull was running when the connection dropped: the last data stays, without speed and ETA. */
  reconnecting: 'reconnecting',
  /** No slot, server out of reach, or a bad attribute: a sentence says which. */
  problem: 'problem',
} as const;
export type PullBarState = (typeof PullBarState)[keyof typeof PullBarState];

/**
 * The bar's state. `interrupted`: the last snapshot of a pull that vanished.
 * `completedExpired`: "Image ready" has been shown for `hide-after` seconds
 * (and the bar is not `sticky`). A slot served elsewhere is no problem: idle.
 */
export function pullBarState(
  s: PullSnapshot | undefined,
  interrupted: PullSnapshot | null,
  problem: Problem | null,
  connected: boolean,
  completedExpired: boolean,
): PullBarState {
  if (problem !== null) return problem.kind === 'external' ? PullBarState.idle : PullBarState.problem;
  if (s === undefined) return PullBarState.connecting;
  if (interrupted !== null) return PullBarState.interrupted;
  switch (s.state) {
    case 'pulling':
      if (!connected) return PullBarState.reconnecting;
      return s.percent === null ? PullBarState.indeterminate : PullBarState.determinate;
    case 'completed':
      return completedExpired ? PullBarState.idle : PullBarState.completed;
    case 'failed':
    case 'cancelled':
    case 'missing':
      return s.state;
    case 'present':
    case 'unknown':
      return PullBarState.idle;
  }
}

/** Whether the state shows a pull that is (or was, before a drop) running. */
export const isRunning = (state: PullBarState): boolean =>
  state === PullBarState.determinate || state === PullBarState.indeterminate || state === PullBarState.reconnecting;

/** Whether the state shows the track (a pull's, or the last one's outcome). */
export const hasTrack = (state: PullBarState): boolean =>
  isRunning(state) || state === PullBarState.completed || state === PullBarState.failed || state === PullBarState.cancelled;

/** Whether the state is a problem that a `<slot-error-banner>` of the slot, when the page has one, shows instead of the bar. */
export const isProblem = (state: PullBarState): boolean =>
  state === PullBarState.failed || state === PullBarState.interrupted || state === PullBarState.problem;

/**
 * The control that starts a pull in this state: Retry after a failure or a
 * vanished pull; where no pull runs, Pull, or Re-pull once the image is
 * there; none while a pull runs, before any data, or for a problem.
 */
export function startControl(state: PullBarState, s: PullSnapshot | undefined, problem: Problem | null): 'retry' | 'pull' | 'repull' | null {
  if (state === PullBarState.failed || state === PullBarState.interrupted) return 'retry';
  if (s === undefined || problem !== null || isRunning(state) || state === PullBarState.connecting) return null;
  return s.image_status === 'present' ? 'repull' : 'pull';
}

/** The label; `problem` says why for the `problem` state, and what the slot is when it has no image. */
export function label(state: PullBarState, s: PullSnapshot | undefined, problem: Problem | null, f: Formatter): string {
  const t = f.phrases;
  if (problem !== null) return problem.message;
  if (s === undefined || state === PullBarState.connecting) return t.connecting;
  // "Image present" also after a pull has completed and hidden.
  if (state === PullBarState.idle) return t[s.state === 'unknown' ? s.state : 'present'];
  if (state === PullBarState.failed) return t.pullFailed(s.error ?? t.unknownError);
  const key = LABELS[state];
  return key === undefined ? t.pulling(s.image) : t[key]; // determinate, indeterminate
}

/** The labels that need nothing from the snapshot. */
const LABELS: Partial<Record<PullBarState, PhraseKey<string>>> = {
  missing: 'missing',
  reconnecting: 'reconnecting',
  completed: 'ready',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

const present = (items: readonly (string | null | undefined)[]): string[] => items.filter((item): item is string => item != null);

const percentPhrase = (s: PullSnapshot, f: Formatter): string | null => (s.percent === null ? null : f.percent(s.percent));

/**
 * What the pull does that the downloaded share cannot say: waiting for data
 * ("No data for 20 sec"), unpacking (with what the engine tells of it), or
 * writing the image once every byte is in, so the bar never sits at a silent 99%.
 */
export function phasePhrase(s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null {
  const { extract_percent: share, extract_seconds: seconds, layer, total_layers: total } = s;
  const t = f.phrases;
  if (s.stalled_s !== null) return t.stalled(f.duration(s.stalled_s, display));
  if (s.phase === 'extracting') {
    const amount = share !== null ? f.percent(share) : seconds !== null ? f.elapsed(seconds, display) : null;
    if (amount === null) return t.unpacking;
    const what = share !== null && layer !== null && total !== null ? t.unpackingLayer(f.count(layer), f.count(total)) : t.unpackingSo;
    return `${what}${display === 'short' ? ' · ' : t.comma}${amount}`;
  }
  return s.phase === 'finalizing' || (s.percent ?? 0) >= 99 ? t.writing : null;
}

/**
 * "41%", what the pull does past the bytes, bytes, speed, ETA and layers:
 * those the snapshot has. While the connection is down (`reconnecting`) the
 * last speed and ETA are no longer true, so they are left out; percent,
 * bytes and layers are how far it got. A stalled pull promises no ETA.
 */
const phrases = (state: PullBarState, s: PullSnapshot, f: Formatter, display: Display): string[] => {
  const percent = percentPhrase(s, f);
  const phase = phasePhrase(s, f, display);
  return present([
    percent !== null && phase !== null && display === 'long' ? f.phrases.downloaded(percent) : percent,
    phase,
    bytesPhrase(s, f, display),
    ...(state === PullBarState.reconnecting ? [] : [speedPhrase(s, f, display), s.stalled_s === null ? etaPhrase(s, f, display) : null]),
    layerPhrase(s, f, display),
  ]);
};

/** The meta line: "41%", "612 MB of ≥1.4 GB", "24.5 MB/s", "about 35 sec left", "layer 3/9" while running; the size once complete. */
export function metaItems(state: PullBarState, s: PullSnapshot | undefined, f: Formatter): string[] {
  if (s === undefined) return [];
  if (state === PullBarState.completed) return present([bytesPhrase(s, f)]);
  return isRunning(state) ? phrases(state, s, f, 'short') : [];
}

const STATE_WORDS: Partial<Record<PullBarState, PhraseKey<string>>> = {
  completed: 'completeWord',
  failed: 'failedWord',
  cancelled: 'cancelledWord',
  reconnecting: 'reconnectingWord',
};

/** The bar in words, for aria-valuetext: "41%, 612 megabytes of at least 1.4 gigabytes, …". */
export function valueText(state: PullBarState, s: PullSnapshot, f: Formatter): string {
  const t = f.phrases;
  const stateWords = STATE_WORDS[state];
  const words = [stateWords && t[stateWords], ...(isRunning(state) ? phrases(state, s, f, 'long') : [percentPhrase(s, f)])];
  const text = present(words).join(t.comma);
  return text === '' ? t.waitingForData : text;
}

/** "612 MB of ≥1.4 GB" (short) or "612 megabytes of at least 1.4 gigabytes" (long); null without byte counts. */
export function bytesPhrase(s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null {
  if (s.bytes_done === null) return null;
  // Nothing yet reads "0 MB of 16.8 MB", in the total's unit, not "0 byte".
  const done = f.bytes(s.bytes_done, display, false, s.bytes_total ?? undefined);
  if (s.bytes_total === null) return done;
  const total = f.bytes(s.bytes_total, display, !s.bytes_total_exact);
  return f.phrases[s.bytes_total_exact ? 'bytesOf' : 'bytesOfAtLeast'](done, total, display === 'long');
}

/** "24.5 MB/s"; null while the server has no speed. */
export const speedPhrase = (s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null =>
  s.speed_bps === null ? null : f.speed(s.speed_bps, display);

/** "about 35 sec left"; null without an ETA. */
export const etaPhrase = (s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null =>
  s.eta_s === null ? null : f.phrases.eta(f.duration(s.eta_s, display));

/** "layer 3/9" or "layer 3 of 9"; null while the layer count is unknown. */
export function layerPhrase(s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null {
  if (s.layer === null || s.total_layers === null || s.total_layers === 0) return null;
  return f.phrases.layer(f.count(s.layer), f.count(s.total_layers), display === 'long');
}
