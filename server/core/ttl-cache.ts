/**
 * A read-through cache with a time to live that shares in-flight loads, so a
 * listing of 50 slots asks the engine once per distinct key. Expiry is
 * checked on read: no timers to leak.
 */
import type { Clock } from './clock.ts';

export interface TtlCache<K, V> {
  get(key: K, load: () => Promise<V>): Promise<V>;
  /** Forgets a key, e.g. after a pull changed what the engine would say. */
  delete(key: K): void;
  readonly size: number;
}

export function createTtlCache<K, V>(clock: Clock, ttlMs: number): TtlCache<K, V> {
  const entries = new Map<K, { value: Promise<V>; expiresAt: number }>();
  return {
    get(key, load) {
      const now = clock.now();
      const cached = entries.get(key);
      if (cached !== undefined && cached.expiresAt > now) return cached.value;
      // The TTL counts from the answer, not the question, so a slow engine is not re-asked at once.
      const entry = { value: load(), expiresAt: Number.POSITIVE_INFINITY };
      entries.set(key, entry);
      const settle = (): void => {
        entry.expiresAt = clock.now() + ttlMs;
      };
      entry.value.then(settle, settle);
      return entry.value;
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
