/**
 * Makes sure a state directory exists and can be written, before the lock
 * and the store are opened there, and says in one line what is wrong when
 * it cannot (the caller prints it and exits with 2).
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MEMORY_ONLY, StateDirError } from './state-dir.ts';

/** The state directory holds job history: nobody else needs to read it. */
const STATE_DIR_MODE = 0o700;
const WRITE_PROBE = '.write-test';

/** Creates `path` (and its parents) when missing and proves it writable by creating a file in it. */
export function prepareStateDir(path: string): void {
  try {
    makeDirectories(path);
    // One fixed name: a probe left by a kill is reused, never piled up.
    const probe = join(path, WRITE_PROBE);
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (error) {
    throw new StateDirError(
      `state dir ${path} cannot be written (${reasonOf(error)}): choose another with --state-dir DIR, or --state-dir ${MEMORY_ONLY} to keep pulls in memory only`,
    );
  }
}

/**
 * `mkdir -p`, one level at a time. Node's own `recursive: true` loops for
 * ever where a parent exists but cannot hold directories (/proc/x/y).
 */
function makeDirectories(path: string): void {
  const missing: string[] = [];
  for (let dir = path; !existsSync(dir); dir = dirname(dir)) {
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) mkdirSync(dir, { mode: STATE_DIR_MODE });
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  ENOENT: 'no directory can be made there',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a file is in the way',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in REASONS) return REASONS[code] as string;
  // Deno's permission errors carry no code, only words such as "Requires write access to …".
  return error instanceof Error ? error.message.split('\n')[0] as string : String(error);
}
