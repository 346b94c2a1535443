/**
 * podman's compat API closes a pull with a `Download complete` whose id is
 * the image id: a second one for the config blob it announced like a layer
 * (see podman-config-blob.ts), or one for an id it never announced. dockerd
 * repeats `Download complete` for real layers too, but dockerd reports
 * extraction, which tells the two apart.
 */
import type { LayerPhase } from '../../types.ts';

/**
 * Whether an event in `phase` for a layer seen as `known` (undefined: never
 * announced) is podman's closing line, naming the image rather than a layer.
 */
export function isPodmanClosingDownload(
  phase: LayerPhase,
  known: { readonly phase: LayerPhase } | undefined,
  reportsExtraction: boolean,
): boolean {
  if (phase !== 'downloaded' || reportsExtraction) return false;
  return known === undefined || known.phase === 'downloaded' || known.phase === 'cached';
}
