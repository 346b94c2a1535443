/**
 * Docker 28+ with the containerd image store reports extraction as
 * `{"current":N,"units":"s"}`: whole seconds since the layer began extracting,
 * counted from 1 (moby daemon/containerd/progress.go: "Start from 1s, because
 * without Total, 0 won't be shown at all"), and no total. A count in seconds
 * is not bytes: it gives no size, no byte progress, and does not make the
 * percent known; the time it took is read from the lines' times instead.
 */
import type { ExtractionUnits } from '../extraction.ts';
import type { LayerEvent } from '../layer.ts';

/** The event's byte counts: none when the engine counted in seconds. */
export function byteCounts(event: LayerEvent): { current?: number; total?: number } {
  if (event.units === 's') return {};
  return { current: event.current, total: event.total };
}

/** How an `Extracting` line with a count counts: seconds (containerd store) or bytes (dockerd's own store). */
export function extractionUnitsOf(event: LayerEvent): Exclude<ExtractionUnits, null> {
  return event.units === 's' ? 'seconds' : 'bytes';
}
