/**
 * What the pull bar's polite status region says, and when: the start, each
 * quarter (25, 50, 75 %), the end, a pull that vanished. Not every frame — a
 * screen reader would read nothing else. The first snapshot is the baseline
 * and says nothing. Where the page has a `<slot-error-banner>` for the slot,
 * a failure and a pull that vanished are the banner's to say (role=alert):
 * said here too, they would be heard twice.
 */
import type { Formatter } from './format.ts';
import { vanished } from './hub/pull-events.ts';
import * as messages from './messages.ts';
import type { PullSnapshot } from '../wire/types.ts';

const QUARTER = 25;

const quarter = (s: PullSnapshot): number => (s.percent === null ? 0 : Math.min(3, Math.floor(s.percent / QUARTER)));

export function milestone(next: PullSnapshot, previous: PullSnapshot | undefined, f: Formatter, bannerSaysProblems = false): string | null {
  if (previous === undefined) return null;
  if (vanished(next, previous) && next.job_id === null) return bannerSaysProblems ? null : messages.announceInterrupted(previous.image);
  const newJob = next.job_id !== null && next.job_id !== previous.job_id;
  const image = next.image;
  switch (next.state) {
    case 'pulling': {
      if (newJob || previous.state !== 'pulling') return messages.announceStart(image);
      const reached = quarter(next);
      return reached > quarter(previous) ? messages.announcePercent(image, f.percent(reached * QUARTER)) : null;
    }
    case 'completed':
    case 'failed':
    case 'cancelled':
      if (!newJob && previous.state === next.state) return null;
      if (next.state === 'completed') return messages.announceDone(image);
      if (next.state === 'failed') return bannerSaysProblems ? null : messages.imageFailed(image, next.error ?? messages.unknownError);
      return messages.announceCancelled(image);
    case 'present':
    case 'missing':
    case 'unknown':
      return null;
  }
}
