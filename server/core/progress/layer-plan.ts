/**
 * The registry's manifest (a LayerPlan) as layers: engines name a layer by
 * the first 12 hex digits of its digest (`sha256:<12 hex>…`), which is the
 * id a planned layer gets.
 */
import { normalizeImageId, sameImage } from './image-ids.ts';

/** Length of the short ids engines give layers. */
export const SHORT_ID_LENGTH = 12;

/** The id an engine gives the layer of digest `digest`. */
export function planLayerId(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, SHORT_ID_LENGTH);
}

/** Whether the engine's layer id names the planned layer `plannedId` (a short id, or a full digest). */
export function namesPlannedLayer(engineId: string, plannedId: string): boolean {
  return sameImage(normalizeImageId(engineId), plannedId);
}
