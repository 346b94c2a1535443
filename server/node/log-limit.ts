/**
 * A log that a flood cannot fill: at most `lines` lines per window; the first
 * line of a later window first says how many were left out. No timer: the
 * count of a quiet spell's last window waits for the next line.
 */

/** Refusals logged per minute before the log only counts them. */
export const LOGGED_REFUSALS_PER_WINDOW = 10;
export const REFUSAL_LOG_WINDOW_MS = 60_000;

export interface RateLimitOptions {
  /** Lines written per window (default {@link LOGGED_REFUSALS_PER_WINDOW}). */
  lines?: number;
  windowMs?: number;
  /** Milliseconds, for the windows (default `Date.now`). */
  now?: () => number;
}

export function rateLimitedLog(log: (line: string) => void, options: RateLimitOptions = {}): (line: string) => void {
  const lines = options.lines ?? LOGGED_REFUSALS_PER_WINDOW;
  const windowMs = options.windowMs ?? REFUSAL_LOG_WINDOW_MS;
  const now = options.now ?? Date.now;
  if (!Number.isSafeInteger(lines) || lines < 1) throw new RangeError(`'lines' must be a positive integer, got ${lines}`);
  if (!(windowMs > 0)) throw new RangeError(`'windowMs' must be positive, got ${windowMs}`);
  let windowStart = -Infinity;
  let written = 0;
  let skipped = 0;

  return function limitedLog(line) {
    const at = now();
    if (at - windowStart >= windowMs) {
      if (skipped > 0) log(`(${skipped} more like these were not logged in ${Math.round(windowMs / 1000)} s)`);
      windowStart = at;
      written = 0;
      skipped = 0;
    }
    if (written < lines) {
      written += 1;
      log(line);
    } else {
      skipped += 1;
    }
  };
}
