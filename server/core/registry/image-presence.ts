/**
 * Whether an engine has an image, asked once per TTL and shared by every
 * caller at once: `unknown` when the engine cannot be asked, never `missing`.
 * The last answer per image is also kept at hand (`known`), for frames that
 * are built without an await, and a change of it is told (`changed`): an
 * image removed or pulled behind slotpull's back reaches the streams.
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
  /** Told when an image's answer differs from the one before (not for the first answer). */
  changed?: (image: ImageReference) => void;
}

export interface ImagePresenceCache {
  get(image: ImageReference): Promise<ImagePresence>;
  /** Asks the engine now, even within the TTL (the live watch, every few seconds). */
  refresh(image: ImageReference): Promise<ImagePresence>;
  /** The last answer, without asking; undefined before the first. */
  known(image: ImageReference): ImagePresence | undefined;
  /**
   * Forgets the cached answer, e.g. after a pull changed what the engine
   * would say; `now`, when given, is what is known instead (a completed pull:
   * present). The next `get` asks the engine either way.
   */
  forget(image: ImageReference, now?: ImagePresence): void;
}

export function createImagePresence({ runtime, clock, ttlMs, changed }: ImagePresenceOptions): ImagePresenceCache {
  const answers = createTtlCache<string, ImagePresence>(clock, ttlMs);
  const last = new Map<string, ImagePresence>();
  const learn = (image: ImageReference, answer: ImagePresence): ImagePresence => {
    const before = last.get(image.key);
    last.set(image.key, answer);
    if (before !== undefined && before !== answer) changed?.(image);
    return answer;
  };
  const get = (image: ImageReference): Promise<ImagePresence> =>
    answers.get(image.key, () =>
      runtime
        .inspectImage(image)
        .catch((): ImagePresence => 'unknown')
        .then((answer) => learn(image, answer)),
    );
  return {
    get,
    refresh(image) {
      answers.delete(image.key);
      return get(image);
    },
    known: (image) => last.get(image.key),
    forget(image, now) {
      answers.delete(image.key);
      if (now !== undefined) last.set(image.key, now);
    },
  };
}
