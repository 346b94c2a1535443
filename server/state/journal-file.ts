/**
 * A journal in a file: the I/O side of the core's JournalStorage, on
 * `node:fs` (which Deno implements too, so one adapter serves both).
 *
 * - `append` is one synchronous O_APPEND write: when it returns, the record
 *   is in the kernel's page cache and survives a SIGKILL of this process.
 *   With `durable`, an fdatasync follows in the background (coalesced, off
 *   the event loop), so that a power loss costs at most the records of the
 *   last few milliseconds; the torn one among them is skipped on reading.
 * - `replace` writes `<file>.tmp`, (fsyncs it,) renames it over the file and
 *   (fsyncs the directory): a crash leaves either the old journal or the new
 *   one, never a mix. A `.tmp` left by such a crash is removed on open.
 */
import { closeSync, existsSync, fdatasync, fdatasyncSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JournalStorage } from '../core/history/pull-history.ts';

export interface JournalFileOptions {
  /** fdatasync appends (in the background) and compactions (before the rename). */
  durable: boolean;
  /** Told when a background fdatasync fails: the records are written, but not known to be on disk. */
  onSyncError?: (error: unknown) => void;
}

export class JournalFile implements JournalStorage {
  readonly path: string;
  readonly initial: Uint8Array;
  readonly #durable: boolean;
  readonly #onSyncError: ((error: unknown) => void) | undefined;
  #fd: number;
  /** Appends not yet covered by a finished fdatasync. */
  #unsynced = false;
  #syncing: Promise<void> | null = null;
  #closed = false;

  /** Reads the journal at `path` (none yet: empty) and opens it for appending. */
  constructor(path: string, options: JournalFileOptions) {
    this.path = path;
    this.#durable = options.durable;
    this.#onSyncError = options.onSyncError;
    // A compaction that was cut short; the journal itself is whole.
    rmSync(`${path}.tmp`, { force: true });
    this.initial = existsSync(path) ? readFileSync(path) : new Uint8Array(0);
    this.#fd = openSync(path, 'a');
  }

  append(line: Uint8Array): void {
    this.#assertOpen();
    writeAll(this.#fd, line);
    if (this.#durable) this.#scheduleSync();
  }

  replace(lines: Uint8Array[]): void {
    this.#assertOpen();
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      for (const line of lines) writeAll(fd, line);
      if (this.#durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    if (this.#durable) syncDirectory(dirname(this.path));
    const previous = this.#fd;
    this.#fd = openSync(this.path, 'a');
    // A background fdatasync may still hold the old descriptor: close it after.
    if (this.#syncing === null) closeSync(previous);
    else void this.#syncing.then(() => closeSync(previous));
  }

  /** Resolves when every record appended so far is on disk (at once when not durable). */
  async flush(): Promise<void> {
    while (this.#syncing !== null) await this.#syncing;
  }

  /** Flushes, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    if (this.#durable) fdatasyncSync(this.#fd);
    closeSync(this.#fd);
  }

  #scheduleSync(): void {
    this.#unsynced = true;
    if (this.#syncing === null) this.#syncing = this.#syncWhileUnsynced();
  }

  async #syncWhileUnsynced(): Promise<void> {
    while (this.#unsynced && !this.#closed) {
      this.#unsynced = false;
      const fd = this.#fd;
      await new Promise<void>((resolve) =>
        fdatasync(fd, (error) => {
          if (error !== null) this.#onSyncError?.(error);
          resolve();
        }),
      );
    }
    this.#syncing = null;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`journal ${this.path} is closed`);
  }
}

/** writeSync until every byte is written (a write may be short). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Makes a rename in `directory` durable. */
function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
