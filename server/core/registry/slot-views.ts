/**
 * What a slot looks like in JSON answers (docs/api.md, Slot): its Slot object,
 * from the feed's frame of the slot (its job, its image and its container,
 * each from the engine's shared answers at most a TTL old).
 */
import type { Slot } from '../slot.ts';
import type { SlotInfo } from '../types.ts';
import type { SlotFeed } from './slot-feed.ts';

export class SlotViews {
  readonly #feed: SlotFeed;

  constructor(feed: SlotFeed) {
    this.#feed = feed;
  }

  async view(slot: Slot): Promise<SlotInfo> {
    const { name, port, model, labels } = slot;
    if (slot.provider === 'external') return { name, provider: 'external', url: slot.url, port, model, labels, pull: null };
    const { snapshot } = await this.#feed.frame(slot);
    return {
      name,
      provider: 'container',
      image: slot.image.raw,
      image_status: snapshot.image_status,
      container: slot.container,
      container_status: snapshot.container_status,
      container_error: snapshot.container_error,
      port,
      model,
      labels,
      pull: snapshot.job_id === null ? null : snapshot,
    };
  }
}
