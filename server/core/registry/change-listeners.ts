/**
 * Who wants to hear about which key: listeners by key, told synchronously,
 * each way out working once. A Map of Sets rather than an EventTarget, so a
 * thousand streams on one image are a thousand entries, not a leak warning.
 */

/** Called with the key that changed. */
export type ChangeListener<K> = (key: K) => void;

export class ChangeListeners<K> {
  readonly #byKey = new Map<K, Set<ChangeListener<K>>>();

  /** Calls `listener` whenever one of `keys` changes; returns the way out. */
  watch(keys: Iterable<K>, listener: ChangeListener<K>): () => void {
    const unique = [...new Set(keys)];
    for (const key of unique) {
      let set = this.#byKey.get(key);
      if (set === undefined) this.#byKey.set(key, (set = new Set()));
      set.add(listener);
    }
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      for (const key of unique) {
        const set = this.#byKey.get(key);
        set?.delete(listener);
        if (set?.size === 0) this.#byKey.delete(key);
      }
    };
  }

  /** Tells every listener of `key`; one that unwatches meanwhile is still told this once. */
  notify(key: K): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const listener of [...set]) listener(key);
  }

  /** Listeners attached, over all keys (for leak checks). */
  get count(): number {
    let count = 0;
    for (const set of this.#byKey.values()) count += set.size;
    return count;
  }
}
