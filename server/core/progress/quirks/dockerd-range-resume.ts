/**
 * dockerd resumes a broken download with a Range request from the bytes it
 * already has, and then reports `current` from 0 against `total` = size −
 * offset (tests/fixtures/recorded/dockerd-20.10-create-break-1MBps.timed.txt).
 * A layer's size is therefore the largest total it was given, and the bytes
 * it had before a `Downloading` line are the difference, which that line's
 * `current` leaves out.
 */
import type { LayerPhase } from '../../types.ts';

/** Where a layer's download stands: its size, and the bytes in hand when the current attempt began. */
export interface DownloadExtent {
  readonly size: number | null;
  readonly offset: number;
}

/** The extent after an event in `phase` reported `total` (> 0) bytes. */
export function rangeResumeExtent(known: DownloadExtent, total: number, phase: LayerPhase): { size: number; offset: number } {
  const size = Math.max(known.size ?? 0, total);
  return { size, offset: phase === 'downloading' ? size - total : known.offset };
}
