/**
 * One server per state directory. Node has no flock, so the lock is a file:
 * `slotpull.lock.<generation>`, created whole (written aside, then hard-linked
 * into place, which fails when the name exists) and holding the holder's PID
 * and process identity (process-identity.ts). The highest generation is the
 * lock (lock-holder.ts says why generations).
 *
 * A starter that finds a lock decides whether its holder still runs:
 * - by identity, where both can see /proc (Node on Linux, same machine and
 *   PID namespace): at once, and a PID reused by another process is no holder;
 * - else by the heartbeat: a holder touches its lock file every second; one
 *   that has not moved for `staleMs` belongs to a dead process. This is how
 *   Deno (which may not read /proc without --allow-all) and Node judge each
 *   other, and how a lock from before a reboot or a lost container is judged.
 *
 * A holder that crashed (SIGKILL, power loss) therefore never leaves the
 * directory stuck: the next start takes generation n+1 over it.
 */
import { linkSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LOCK_TEMP_PREFIX,
  formatHolder,
  heartbeatWaitMs,
  lockFileName,
  lockGeneration,
  livenessByIdentity,
  parseHolder,
  topGeneration,
  type LockHolder,
} from './lock-holder.ts';
import { currentProcess, linuxProcessTable, type ProcessIdentity, type ProcessTable } from './process-identity.ts';
import { StateDirError } from './state-dir.ts';

/** How often a holder touches its lock file. */
export const HEARTBEAT_MS = 1000;
/** A lock file still for this long has no live holder. Five missed heartbeats: a busy event loop is not a dead one. */
export const STALE_MS = 5000;
/** Rounds of "look, then create" before giving up on a directory that other starters keep changing. */
const MAX_ATTEMPTS = 20;

export interface StateLockOptions {
  heartbeatMs?: number;
  staleMs?: number;
  /** Defaults to /proc's view (none under Deno); null: judge every holder by its heartbeat. */
  processTable?: ProcessTable | null;
  /** Told when the heartbeat cannot touch the lock file (removed by hand, file system gone): this server may no longer be alone. */
  onLost?: (message: string) => void;
}

export interface StateLock {
  readonly dir: string;
  /** The lock file. */
  readonly file: string;
  readonly holder: LockHolder;
  /** The holder whose dead lock this one replaced (null for a free directory or an unreadable lock file). */
  readonly tookOver: LockHolder | null;
  /** Stops the heartbeat and removes the lock file (when it is still this one). Idempotent. */
  release(): void;
}

/** Another server holds the state directory. */
export class StateDirLockedError extends StateDirError {
  readonly holder: LockHolder | null;

  constructor(dir: string, holder: LockHolder | null) {
    const who = holder === null ? 'another slotpull' : `another slotpull (pid ${holder.pid}, ${holder.runtime}, since ${holder.since})`;
    super(`state dir ${dir} is in use by ${who}: stop that one, or give this one another --state-dir`);
    this.holder = holder;
  }
}

type Look = { kind: 'alive' | 'dead'; holder: LockHolder | null } | { kind: 'gone' };

/** Takes the lock of `dir` (which must exist), or throws StateDirLockedError naming the directory. */
export async function acquireStateLock(dir: string, options: StateLockOptions = {}): Promise<StateLock> {
  const table = options.processTable === undefined ? linuxProcessTable() : options.processTable;
  const staleMs = options.staleMs ?? STALE_MS;
  const me = currentProcess(table);
  const holder: LockHolder = { ...me, nonce: crypto.randomUUID(), runtime: runtimeName(), since: new Date().toISOString() };

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const top = topGeneration(readdirSync(dir));
    let tookOver: LockHolder | null = null;
    if (top > 0) {
      const look = await lookAt(join(dir, lockFileName(top)), me, table, staleMs);
      if (look.kind === 'gone') continue;
      if (look.kind === 'alive') throw new StateDirLockedError(dir, look.holder);
      tookOver = look.holder;
    }
    const generation = top + 1;
    const file = join(dir, lockFileName(generation));
    if (!createWhole(dir, file, holder)) continue;
    // A slower starter may have re-created a lower generation after a cleanup; a higher one means this lost.
    if (topGeneration(readdirSync(dir)) !== generation) {
      removeIfHeld(file, holder.nonce);
      continue;
    }
    removeOlderLocks(dir, generation);
    return holdLock(dir, file, holder, tookOver, options);
  }
  throw new StateDirError(`could not take the lock of state dir ${dir}: other starters kept changing it (${MAX_ATTEMPTS} tries)`);
}

/** Whether the holder of the lock file `file` runs; may wait up to `staleMs` for its heartbeat. */
async function lookAt(file: string, me: ProcessIdentity, table: ProcessTable | null, staleMs: number): Promise<Look> {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(file, 'utf8');
    mtimeMs = statSync(file).mtimeMs;
  } catch (error) {
    if (isNotFound(error)) return { kind: 'gone' };
    throw error;
  }
  const holder = parseHolder(text);
  const byIdentity = holder === null ? 'unknown' : livenessByIdentity(holder, me, table);
  if (byIdentity !== 'unknown') return { kind: byIdentity, holder };
  const wait = heartbeatWaitMs(mtimeMs, Date.now(), staleMs);
  if (wait === 0) return { kind: 'dead', holder };
  await sleep(wait);
  let later: number;
  try {
    later = statSync(file).mtimeMs;
  } catch (error) {
    if (isNotFound(error)) return { kind: 'gone' };
    throw error;
  }
  return { kind: later === mtimeMs ? 'dead' : 'alive', holder };
}

/** Writes the lock aside and links it into place: false when the name was taken (or the aside file cleaned away). */
function createWhole(dir: string, file: string, holder: LockHolder): boolean {
  const aside = join(dir, `${LOCK_TEMP_PREFIX}${holder.pid}-${holder.nonce}`);
  writeFileSync(aside, formatHolder(holder), { flag: 'wx' });
  try {
    linkSync(aside, file);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** Lower generations (their holders are dead) and files left aside by starters. */
function removeOlderLocks(dir: string, generation: number): void {
  for (const name of readdirSync(dir)) {
    const older = (lockGeneration(name) ?? generation) < generation;
    if (older || name.startsWith(LOCK_TEMP_PREFIX)) rmSync(join(dir, name), { force: true });
  }
}

function removeIfHeld(file: string, nonce: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  if (parseHolder(text)?.nonce === nonce) rmSync(file, { force: true });
}

function holdLock(dir: string, file: string, holder: LockHolder, tookOver: LockHolder | null, options: StateLockOptions): StateLock {
  let released = false;
  let failing = false;
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
      failing = false;
    } catch (error) {
      if (isNotFound(error)) {
        clearInterval(heartbeat);
        options.onLost?.(`the lock file ${file} was removed while this server held it: another server may now use state dir ${dir}`);
      } else if (!failing) {
        // Told once per spell of failures; the heartbeat goes on trying.
        failing = true;
        options.onLost?.(`the lock file ${file} cannot be touched (${error instanceof Error ? error.message : String(error)}): another server may take state dir ${dir} over`);
      }
    }
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  // The heartbeat alone must not keep a process alive.
  heartbeat.unref();
  return {
    dir,
    file,
    holder,
    tookOver,
    release: () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      removeIfHeld(file, holder.nonce);
    },
  };
}

function runtimeName(): string {
  const deno = (process.versions as Record<string, string | undefined>).deno;
  return deno === undefined ? `node ${process.versions.node}` : `deno ${deno}`;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}
