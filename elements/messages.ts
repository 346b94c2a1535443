/**
 * Every string a person sees or hears from the elements. Numbers go through
 * the Formatter (Intl, the element's `lang`); the sentences are English.
 */
import type { Display, Formatter } from './format.ts';
import type { PullSnapshot } from './wire.ts';

export const messages = {
  // The pull bar.
  pulling: (image: string) => `Pulling image ${image}…`,
  ready: 'Image ready',
  pullFailed: (error: string) => `Pull failed: ${error}`,
  cancelled: 'Pull cancelled',
  reconnecting: 'Reconnecting…',
  connecting: 'Connecting…',
  idle: { present: 'Image present', missing: 'Image not pulled yet', unknown: 'Image status unknown' },
  retry: 'Retry',
  retrying: 'Retrying…',
  cancel: 'Cancel',
  cancelling: 'Cancelling…',
  startFailed: (why: string) => `Could not start the pull: ${why}`,
  cancelFailed: (why: string) => `Could not cancel the pull: ${why}`,
  unknownError: 'the engine gave no reason',

  // Words for aria-valuetext.
  waitingForData: 'waiting for size information',
  stateWords: { completed: 'complete', failed: 'failed', cancelled: 'cancelled', reconnecting: 'reconnecting' },

  // Announcements in the polite status region.
  announceStart: (image: string) => `Pulling image ${image} started`,
  announcePercent: (image: string, percent: string) => `Pulling image ${image}: ${percent}`,
  announceDone: (image: string) => `Image ${image} is ready`,
  announceFailed: (image: string, error: string) => `Pull of image ${image} failed: ${error}`,
  announceCancelled: (image: string) => `Pull of image ${image} cancelled`,

  // Problems before any data.
  unreachable: (base: string) => `Cannot reach the slotpull server at ${base}`,
  noSlotName: 'No slot-name is set on this element',
  badBaseUrl: (value: string) => `base-url "${value}" is not an http(s) URL`,
  notFound: (slot: string) => `No slot is named "${slot}" on this server`,
  external: (slot: string) => `Slot "${slot}" is served elsewhere and has no image`,
  lookupFailed: (why: string) => `Could not read the slot: ${why}`,

  // The error banner.
  bannerMissing: (image: string) => `Image ${image} is missing`,
  bannerFailed: (image: string, error: string) => `Pull of image ${image} failed: ${error}`,
  bannerCrashed: (container: string, error: string | null) =>
    error === null ? `Container ${container} crashed` : `Container ${container} crashed: ${error}`,
  rePull: 'Re-pull',
  rePulling: 'Pulling…',
  dismiss: 'Dismiss',
  dismissLabel: 'Dismiss this message',

  // The status chip (visible text; the hidden prefix gives it context).
  chipPrefix: 'Image status: ',
  chip: {
    present: 'present',
    pulling: 'pulling',
    pullingPercent: (percent: string) => `pulling ${percent}`,
    missing: 'missing',
    failed: 'failed',
    cancelled: 'cancelled',
    unknown: 'unknown',
    unreachable: 'unreachable',
    connecting: 'checking…',
  },
} as const;

/** "612 MB of ≥1.4 GB" (short) or "612 megabytes of at least 1.4 gigabytes" (long); null without byte counts. */
export function bytesPhrase(s: PullSnapshot, f: Formatter, display: Display = 'short'): string | null {
  if (s.bytes_done === null) return null;
  const done = f.bytes(s.bytes_done, display);
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
