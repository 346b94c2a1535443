/**
 * A download that has stalled: no byte (nor a layer's step) for
 * {@link STALLED_AFTER_MS} or more while downloading.
 */
import type { PullPhase } from '../types.ts';

/** No progress for this long during a download makes it stalled. */
export const STALLED_AFTER_MS = 15_000;

/** Whole seconds since the last progress when the download has stalled at `now`; else null. */
export function stalledSeconds(phase: PullPhase | null, lastProgressAt: number | null, now: number): number | null {
  if (phase !== 'downloading' || lastProgressAt === null) return null;
  const quiet = now - lastProgressAt;
  return quiet >= STALLED_AFTER_MS ? Math.floor(quiet / 1000) : null;
}
