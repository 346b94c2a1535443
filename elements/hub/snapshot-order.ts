/**
 * Whether a snapshot may replace the one held for its slot. Stream frames
 * arrive in order, but a POST or DELETE answer (offered to the hub so buttons
 * do not flicker) can cross a frame in flight: within one job, time and state
 * only move forward.
 */
import type { PullSnapshot } from '../../wire/types.ts';

export function supersedes(candidate: PullSnapshot, current: PullSnapshot | undefined): boolean {
  if (current === undefined) return true;
  if (candidate.job_id === null || candidate.job_id !== current.job_id) return true;
  if (current.state !== 'pulling' && candidate.state === 'pulling') return false;
  return (candidate.updated_at ?? '') >= (current.updated_at ?? '');
}

/** An offered answer replaces a different job only once that job has ended. */
export function offerSupersedes(candidate: PullSnapshot, current: PullSnapshot | undefined): boolean {
  if (current !== undefined && candidate.job_id !== current.job_id && current.state === 'pulling') return false;
  return supersedes(candidate, current);
}
