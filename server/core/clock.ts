/**
 * Time as the core sees it. The core never touches runtime globals; adapters
 * pass a clock in, and tests pass the same one under fake timers.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
