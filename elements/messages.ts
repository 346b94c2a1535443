/**
 * Every string a person sees or hears from the elements. Numbers go through
 * the Formatter (Intl, the element's `lang`); the sentences are English.
 * Import it as a namespace (`import * as messages`): one export a string lets
 * the bundler give each a short name.
 */
import type { Display, Formatter } from './format.ts';
import type { PullSnapshot } from '../wire/types.ts';

// The pull bar.
export const pulling = (image: string): string => `Pulling image ${image}…`;
export const ready = 'Image ready';
export const pullFailed = (error: string): string => `Pull failed: ${error}`;
export const cancelled = 'Pull cancelled';
export const interrupted = 'Pull interrupted: the server lost track of it';
export const reconnecting = 'Reconnecting…';
export const connecting = 'Connecting…';
export const idle = { present: 'Image present', missing: 'Image not pulled yet', unknown: 'Image status unknown' } as const;
export const retry = 'Retry';
export const retrying = 'Retrying…';
export const pull = 'Pull';
export const cancel = 'Cancel';
export const cancelling = 'Cancelling…';
/** "code", "code and vision", "code, vision and 2 more". */
const others = (slots: readonly string[]): string =>
  new Intl.ListFormat('en').format(slots.length > 3 ? [...slots.slice(0, 2), `${slots.length - 2} more`] : slots);
/** Cancel stops the one engine pull of an image: the button names the other slots it stops. */
export const cancelAlso = (slots: readonly string[]): string => `Cancel (also stops ${others(slots)})`;
// Accessible names of the buttons: each says its slot, for a page with many ("Cancel the pull of chat").
export const cancelName = (slot: string, slots: readonly string[]): string =>
  slots.length === 0 ? `Cancel the pull of ${slot}` : `Cancel the pull of ${slot}, also stopping ${others(slots)}`;
export const pullName = (slot: string): string => `Pull the image of ${slot}`;
export const retryName = (slot: string): string => `Retry the pull of ${slot}`;
export const rePullName = (slot: string): string => `Re-pull the image of ${slot}`;
export const dismissName = (slot: string): string => `Dismiss the message about ${slot}`;
export const startFailed = (why: string): string => `Could not start the pull: ${why}`;
export const cancelFailed = (why: string): string => `Could not cancel the pull: ${why}`;
export const unknownError = 'the engine gave no reason';

// The pull bar past the download, or stuck in it (the meta line; the bar adds how far: " · 41%", " · 12 sec").
export const unpackingLayer = (layer: string, total: string): string => `Unpacking layer ${layer} of ${total}`;
export const unpackingSo = 'Unpacking';
export const unpacking = 'Unpacking…';
export const writing = 'Writing the image…';
export const stalled = (seconds: string): string => `No data for ${seconds}`;
export const downloaded = (percent: string): string => `downloaded ${percent}`;

// Words for aria-valuetext.
export const waitingForData = 'waiting for size information';
export const stateWords = { completed: 'complete', failed: 'failed', cancelled: 'cancelled', reconnecting: 'reconnecting' } as const;

// Announcements in the polite status region (a failure: imageFailed).
export const announceStart = (image: string): string => `Pulling image ${image} started`;
export const announcePercent = (image: string, percent: string): string => `Pulling image ${image}: ${percent}`;
export const announceDone = (image: string): string => `Image ${image} is ready`;
export const announceCancelled = (image: string): string => `Pull of image ${image} cancelled`;
export const announceInterrupted = (image: string): string => `Pull of image ${image} was interrupted`;

// Problems before any data.
export const unreachable = (base: string): string => `Cannot reach the slotpull server at ${base}`;
export const noSlotName = 'No slot-name is set on this element';
export const badBaseUrl = (value: string): string => `base-url "${value}" is not an http(s) URL`;
export const notFound = (slot: string): string => `No slot is named "${slot}" on this server`;
export const external = (slot: string): string => `Slot "${slot}" is served elsewhere and has no image`;
export const lookupFailed = (why: string): string => `Could not read the slot: ${why}`;

/**
 * Why a server refuses this page, from its answer's `details` (issue 13):
 * each cause in its own words, saying what to do; another refusal in the
 * server's own words.
 */
export function refused(base: string, reason: string | null, details: Readonly<Record<string, unknown>>, why: string): string {
  const at = `The slotpull server at ${base}`;
  switch (reason) {
    case 'origin_not_allowed': {
      const origin = typeof details.origin === 'string' ? details.origin : location.origin;
      return `${at} does not allow pages from ${origin}: start it with --allow-origin ${origin}`;
    }
    case 'token_missing':
      return `${at} needs a token: give it to the elements with configureServer()`;
    case 'token_wrong':
      return `${at} refused the token: configureServer() must give the one the server was started with`;
    case 'host_not_allowed':
      return `${at} does not answer to the name ${new URL(base).host}: start it with --public-url ${base}`;
    default:
      return `${at} refused: ${why}`;
  }
}

// The error banner (and the announcement of a failure).
export const imageFailed = (image: string, error: string): string => `Pull of image ${image} failed: ${error}`;
export const bannerInterrupted = (image: string): string => `${announceInterrupted(image)}: the server lost track of it`;
export const bannerCrashed = (container: string, error: string | null): string =>
  error === null ? `Container ${container} crashed` : `Container ${container} crashed: ${error}`;
export const rePull = 'Re-pull';
export const rePulling = 'Pulling…';
export const dismiss = 'Dismiss';

// The status chip (visible text; the hidden prefix gives it context).
export const chipPrefix = 'Image status: ';
export const chip = {
  present: 'present',
  pulling: 'pulling',
  missing: 'missing',
  failed: 'failed',
  cancelled: 'cancelled',
  unknown: 'unknown',
  interrupted: 'interrupted',
  external: 'served elsewhere',
  unreachable: 'unreachable',
  connecting: 'checking…',
} as const;
export const chipPercent = (percent: string): string => `pulling ${percent}`;
/** `show-last-pull`: "pulled 3 days ago in 4 min 12 sec"; `ago` is null under a minute. */
export const lastPull = (ago: string | null, took: string): string => `pulled ${ago ?? 'just now'} in ${took}`;

/** "612 MB of ≥1.4 GB" (short) or "612 megabytes of at least 1.4 gigabytes" (long); null without byte counts. */
export function bytesPhrase(s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null {
  if (s.bytes_done === null) return null;
  // Nothing yet reads "0 MB of 16.8 MB", in the total's unit, not "0 byte".
  const done = f.bytes(s.bytes_done, display, false, s.bytes_total ?? undefined);
  if (s.bytes_total === null) return done;
  const total = f.bytes(s.bytes_total, display, !s.bytes_total_exact);
  if (s.bytes_total_exact) return `${done} of ${total}`;
  return display === 'short' ? `${done} of ≥${total}` : `${done} of at least ${total}`;
}

/** "24.5 MB/s"; null while the server has no speed. */
export const speedPhrase = (s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null =>
  s.speed_bps === null ? null : f.speed(s.speed_bps, display);

/** "about 35 sec left"; null without an ETA. */
export const etaPhrase = (s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null =>
  s.eta_s === null ? null : `about ${f.duration(s.eta_s, display)} left`;

/** "layer 3/9" or "layer 3 of 9"; null while the layer count is unknown. */
export function layerPhrase(s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null {
  if (s.layer === null || s.total_layers === null || s.total_layers === 0) return null;
  const [done, total] = [f.count(s.layer), f.count(s.total_layers)];
  return display === 'short' ? `layer ${done}/${total}` : `layer ${done} of ${total}`;
}
