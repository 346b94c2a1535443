/**
 * Whether a slot's next snapshot only moves its pull on: what changes at
 * every frame of a running pull (percent, bytes, speed, ETA, layers, the
 * unpacking share, how long no data came) and nothing else. Such a change
 * shows as words at the page's next beat and in the pull bar's fill, which
 * it draws itself; the elements skip the update. A percent (or unpacking
 * share, or stall) that appears or goes is more than a move. Any other
 * field — one added later too — counts as a change.
 */
import type { PullSnapshot } from '../../wire/types.ts';

const MOVING = new Set<string>([
  'percent',
  'bytes_done',
  'bytes_total',
  'bytes_total_exact',
  'layer',
  'total_layers',
  'layers_cached',
  'layers',
  'speed_bps',
  'eta_s',
  'extract_percent',
  'extract_seconds',
  'stalled_s',
  'updated_at',
]);

const nullness = (s: PullSnapshot): string => `${s.percent === null} ${s.extract_percent === null} ${s.stalled_s === null}`;

export function onlyMoved(previous: PullSnapshot, next: PullSnapshot): boolean {
  if (nullness(previous) !== nullness(next)) return false;
  for (const key of Object.keys(next) as (keyof PullSnapshot)[]) {
    if (MOVING.has(key)) continue;
    const [a, b] = [previous[key], next[key]];
    // shared_with is the only other list: a new array in every frame, equal when its names are.
    if (a !== b && !(Array.isArray(a) && Array.isArray(b) && a.join() === b.join())) return false;
  }
  return true;
}
