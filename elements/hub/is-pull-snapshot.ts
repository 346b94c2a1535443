/** The hub's check of an incoming frame: one that is not a snapshot is dropped rather than trusted. */
import type { PullSnapshot } from '../../wire/types.ts';
import { PULL_STATES } from '../../wire/values.ts';

const STATES: ReadonlySet<string> = new Set(PULL_STATES);

export function isPullSnapshot(value: unknown): value is PullSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.slot_name === 'string' && typeof v.image === 'string' && typeof v.state === 'string' && STATES.has(v.state);
}
