/**
 * Docker 28+ with the containerd image store reports extraction as
 * `{"current":N,"units":"s"}`: seconds, and no total. A count in seconds is
 * not bytes: it gives no size, no byte progress, and does not make the
 * percent known.
 */
import type { LayerEvent } from '../layer.ts';

/** The event's byte counts: none when the engine counted in seconds. */
export function byteCounts(event: LayerEvent): { current?: number; total?: number } {
  if (event.units === 's') return {};
  return { current: event.current, total: event.total };
}
