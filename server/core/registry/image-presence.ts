/**
 * Whether an engine has an image, asked once per TTL and shared by every
 * caller at once: `unknown` when the engine cannot be asked, never `missing`.
 */
import type { Clock } from '../clock.ts';
import type { ImageReference } from '../reference.ts';
import type { ContainerRuntime } from '../runtime.ts';
import { createTtlCache } from '../ttl-cache.ts';
import type { ImagePresence } from '../types.ts';

export interface ImagePresenceOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  /** How long an answer is reused. */
  ttlMs: number;
}

export interface ImagePresenceCache {
  get(image: ImageReference): Promise<ImagePresence>;
  /** Forgets the answer, e.g. after a pull changed what the engine would say. */
  forget(image: ImageReference): void;
}

export function createImagePresence({ runtime, clock, ttlMs }: ImagePresenceOptions): ImagePresenceCache {
  const answers = createTtlCache<string, ImagePresence>(clock, ttlMs);
  return {
    get: (image) => answers.get(image.key, () => runtime.inspectImage(image).catch((): ImagePresence => 'unknown')),
    forget: (image) => answers.delete(image.key),
  };
}
