/**
 * Which state directory a server uses, as a pure function of the command
 * line and the environment (the XDG Base Directory rules):
 *
 *   --state-dir DIR         DIR (relative to the working directory)
 *   --state-dir none        memory only: nothing outlives the process
 *   $XDG_STATE_HOME         $XDG_STATE_HOME/slotpull (only when absolute, as the spec says)
 *   otherwise               $HOME/.local/state/slotpull
 */
import { isAbsolute, join } from 'node:path';

/** The `--state-dir` value that keeps everything in memory. */
export const MEMORY_ONLY = 'none';
export const APP_DIR_NAME = 'slotpull';

export type StateDirChoice =
  | { kind: 'memory' }
  | {
      kind: 'dir';
      /** Absolute. */
      path: string;
      /** Where it came from, for the first log lines. */
      source: '--state-dir' | 'XDG_STATE_HOME' | 'HOME';
    };

export interface StateDirInputs {
  /** The `--state-dir` value, when given. */
  flag?: string;
  /** The working directory a relative `--state-dir` is taken from. */
  cwd: string;
  env: { XDG_STATE_HOME?: string; HOME?: string };
}

/** A state directory that cannot be chosen or used: one line, for the caller to print before exiting with 2. */
export class StateDirError extends Error {
  override readonly name = 'StateDirError';
}

export function resolveStateDir(inputs: StateDirInputs): StateDirChoice {
  const { flag, cwd, env } = inputs;
  if (flag !== undefined) {
    if (flag === MEMORY_ONLY) return { kind: 'memory' };
    if (flag.trim() === '') throw new StateDirError(`--state-dir needs a directory, or "${MEMORY_ONLY}" to keep pulls in memory only`);
    return { kind: 'dir', path: isAbsolute(flag) ? join(flag) : join(cwd, flag), source: '--state-dir' };
  }
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return { kind: 'dir', path: join(xdg, APP_DIR_NAME), source: 'XDG_STATE_HOME' };
  const home = env.HOME;
  if (home !== undefined && isAbsolute(home)) return { kind: 'dir', path: join(home, '.local', 'state', APP_DIR_NAME), source: 'HOME' };
  throw new StateDirError(
    `cannot choose a state directory: neither XDG_STATE_HOME nor HOME is set to an absolute path; pass --state-dir DIR, or --state-dir ${MEMORY_ONLY} to keep pulls in memory only`,
  );
}

/** The choice in words, for the first log lines. */
export function describeStateDir(choice: StateDirChoice): string {
  if (choice.kind === 'memory') return `state: memory only (--state-dir ${MEMORY_ONLY}): pulls and history end with the process`;
  const from = choice.source === '--state-dir' ? '--state-dir' : choice.source === 'XDG_STATE_HOME' ? '$XDG_STATE_HOME' : '$HOME/.local/state';
  return `state: ${choice.path} (from ${from})`;
}
