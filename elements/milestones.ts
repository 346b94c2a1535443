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
import type { PullSnapshot } from '../wire/types.ts';

const QUARTER = 25;

const quarter = (s: PullSnapshot): number => (s.percent === null ? 0 : Math.min(3, Math.floor(s.percent / QUARTER)));

export function milestone(next: PullSnapshot, previous: PullSnapshot | undefined, f: Formatter, bannerSaysProblems = false): string | null {
  if (previous === undefined) return null;
  const t = f.phrases;
  if (vanished(next, previous) && next.job_id === null) return bannerSaysProblems ? null : t.announceInterrupted(previous.image);
  const newJob = next.job_id !== null && next.job_id !== previous.job_id;
  const image = next.image;
  switch (next.state) {
    case 'pulling': {
      if (newJob || previous.state !== 'pulling') return t.announceStart(image);
      const reached = quarter(next);
      return reached > quarter(previous) ? t.announcePercent(image, f.percent(reached * QUARTER)) : null;
    }
    case 'completed':
    case 'failed':
    case 'cancelled':
      if (!newJob && previous.state === next.state) return null;
      if (next.state === 'completed') return t.announceDone(image);
      if (next.state === 'failed') return bannerSaysProblems ? null : t.imageFailed(image, next.error ?? t.unknownError);
      return t.announceCancelled(image);
    case 'present':
    case 'missing':
    case 'unknown':
      return null;
  }
}
