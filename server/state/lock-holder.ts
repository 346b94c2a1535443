/**
 * The pure parts of the state directory's lock: the lock files' names, what
 * a lock file says about its holder, and whether that holder still runs.
 *
 * The lock is the lock file with the highest generation,
 * `slotpull.lock.<generation>`. A starter takes generation n+1 over a dead
 * holder of n by creating that name exclusively, so two starters that both
 * found n dead cannot both win: creating a name is the compare-and-swap the
 * file system offers (unlike removing a stale file and creating it again,
 * where the slower starter removes the faster one's fresh lock).
 */
import type { ProcessIdentity, ProcessTable } from './process-identity.ts';

export const LOCK_PREFIX = 'slotpull.lock.';
/** Where a lock is written before it is linked into place, whole. */
export const LOCK_TEMP_PREFIX = `${LOCK_PREFIX}tmp-`;

/** What a lock file says. */
export interface LockHolder extends ProcessIdentity {
  /** Unique to one taking of the lock: the holder checks it before removing the file. */
  nonce: string;
  /** "node 20.20.2", "deno 2.9.6". */
  runtime: string;
  /** When the lock was taken (ISO). */
  since: string;
}

export function lockFileName(generation: number): string {
  return `${LOCK_PREFIX}${generation}`;
}

/** The generation of a lock file's name; null for any other name. */
export function lockGeneration(name: string): number | null {
  if (!name.startsWith(LOCK_PREFIX)) return null;
  const digits = name.slice(LOCK_PREFIX.length);
  return /^[1-9]\d{0,14}$/.test(digits) ? Number(digits) : null;
}

/** The highest generation among directory entries; 0 when there is none. */
export function topGeneration(names: Iterable<string>): number {
  let top = 0;
  for (const name of names) top = Math.max(top, lockGeneration(name) ?? 0);
  return top;
}

export function formatHolder(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

/** A lock file's text as a holder; null when it is not one (empty after a power loss, or damaged). */
export function parseHolder(text: string): LockHolder | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Unreadable content says nothing about liveness: the caller judges by the heartbeat.
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const nullableString = (x: unknown): boolean => x === null || typeof x === 'string';
  const ok =
    Number.isSafeInteger(v.pid) &&
    (v.pid as number) > 0 &&
    nullableString(v.boot) &&
    nullableString(v.pidns) &&
    nullableString(v.start) &&
    typeof v.nonce === 'string' &&
    typeof v.runtime === 'string' &&
    typeof v.since === 'string';
  return ok ? (value as LockHolder) : null;
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Whether `holder` runs, by its identity: decided only when both sides know
 * boot, PID namespace and start time and share the first two; `unknown`
 * otherwise (another runtime, another container, another machine on a shared
 * file system), for the heartbeat to decide.
 */
export function livenessByIdentity(holder: LockHolder, me: ProcessIdentity, table: ProcessTable | null): Liveness {
  if (table === null || holder.boot === null || holder.pidns === null || holder.start === null) return 'unknown';
  if (holder.boot !== me.boot || holder.pidns !== me.pidns) return 'unknown';
  return table.startOf(holder.pid) === holder.start ? 'alive' : 'dead';
}

/**
 * How long to wait before looking at a lock's heartbeat again, for a lock
 * file last touched at `mtimeMs`: 0 when it has been still for longer than
 * `staleMs` already (its holder is gone). A live holder touches it every
 * heartbeat, well within `staleMs`, so a second look that finds the same
 * time means the holder stopped. Never longer than `staleMs`, even when the
 * file's time is ahead of this clock.
 */
export function heartbeatWaitMs(mtimeMs: number, now: number, staleMs: number): number {
  const age = now - mtimeMs;
  return age > staleMs ? 0 : Math.min(staleMs, staleMs - age);
}
