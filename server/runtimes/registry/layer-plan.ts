/**
 * A runtime's `readLayerPlan` over the manifest reader: the image's layers
 * and config as a {@link LayerPlan}, or null — with one log line saying why —
 * when the registry can't be read from here (the engine's numbers then stand
 * alone). A read cancelled with its pull is not logged: nothing failed.
 */
import type { ImageReference } from '../../core/reference.ts';
import type { LayerPlan } from '../../core/types.ts';
import type { ReadImageLayers } from './reader.ts';

/** What `ContainerRuntime.readLayerPlan` is. */
export type ReadLayerPlan = (image: ImageReference, signal: AbortSignal) => Promise<LayerPlan | null>;

export function layerPlanReader(read: ReadImageLayers, log?: (line: string) => void): ReadLayerPlan {
  return async function readLayerPlan(image, signal) {
    const answer = await read(image, signal);
    if (answer.ok) {
      const { layers, config } = answer.image;
      return { layers: layers.map(({ digest, size }) => ({ digest, size })), config: config.digest };
    }
    if (!signal.aborted) log?.(`pull of ${image.explicit}: sizes from the engine only, the registry's manifest could not be read (${answer.reason})`);
    return null;
  };
}
