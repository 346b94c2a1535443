/**
 * Only dockerd (over its API or through the docker CLI) reports extraction:
 * its `Pulling from` line announces it, then each layer goes `Extracting` and
 * `Pull complete`. podman and its CLI say nothing after a layer's download,
 * so there a downloaded layer is finished.
 */
import type { LayerPhase, ProgressEvent } from '../../types.ts';

/** Whether the event shows that this engine reports extraction. */
export function revealsExtraction(event: ProgressEvent): boolean {
  if (event.kind === 'resolving') return event.reportsExtraction === true;
  return event.kind === 'layer' && (event.phase === 'extracting' || event.phase === 'complete');
}

/** Downloaded and extracted, or downloaded where the engine never reports extraction. */
export function isLayerFinished(phase: LayerPhase, reportsExtraction: boolean): boolean {
  if (phase === 'complete') return true;
  if (reportsExtraction) return false;
  return phase === 'downloaded' || phase === 'extracting';
}
