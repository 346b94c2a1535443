/**
 * podman's compat API announces the image's config blob like a layer
 * (`Pulling fs layer`, `Download complete`) once the layers are done, and
 * then names it as the image. A blob first seen when every known layer is
 * downloaded may be that config: it is not counted until it shows bytes or
 * the pull completes, and it is dropped when it is named as the image
 * (see podman-closing-download.ts). dockerd, which reports extraction, never
 * announces its config.
 */
import type { LayerPhase } from '../../types.ts';
import { isDownloaded } from '../layer.ts';

/** Whether a blob first seen now, after the `known` layers, may be podman's config rather than a layer. */
export function mayBePodmanConfigBlob(known: ReadonlyArray<{ readonly phase: LayerPhase }>, reportsExtraction: boolean): boolean {
  return !reportsExtraction && known.length > 0 && known.every((layer) => isDownloaded(layer.phase));
}
