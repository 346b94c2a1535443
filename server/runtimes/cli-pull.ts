/**
 * `<cli> pull` as a runtime's PullOutput chunks: the child's lines as they
 * come, its pipes paused while the consumer lags, and its exit turned into
 * the end or a RuntimeFailure in the tool's own words.
 */
import type { ImageReference } from '../core/reference.ts';
import { RuntimeFailure } from '../core/runtime.ts';
import { ChildRun, lastErrorLine, type ChildExit, type ChildSettings } from './child-run.ts';

/** Queued pull output (characters) above which the child's pipes are paused. */
const QUEUE_HIGH_WATER_CHARS = 262_144;

/**
 * The pull's output: stdout and stderr merged line by line as they arrive.
 *
 * Ends when the pull succeeds; throws a RuntimeFailure with the tool's last
 * error line when it exits non-zero. Cancelling (aborting `signal`, or the
 * consumer calling return()) stops the child and the iterator simply ENDS —
 * no error — once the child has closed; the caller knows it cancelled.
 */
export function pullChunks(
  binary: string,
  image: ImageReference,
  settings: ChildSettings,
  signal: AbortSignal,
): AsyncIterableIterator<string> {
  const queue: string[] = [];
  let queuedChars = 0;
  let waiter: { resolve: (r: IteratorResult<string>) => void; reject: (e: unknown) => void } | null = null;
  let outcome: { failure: RuntimeFailure | null } | null = signal.aborted ? { failure: null } : null;
  let cancelled = signal.aborted;

  const deliver = (text: string): void => {
    if (cancelled) return;
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      w.resolve({ value: text, done: false });
      return;
    }
    queue.push(text);
    queuedChars += text.length;
    if (queuedChars > QUEUE_HIGH_WATER_CHARS) child?.pause();
  };

  const args = ['pull', image.explicit];
  const child = signal.aborted ? null : new ChildRun(binary, args, settings, deliver);
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    queue.length = 0;
    queuedChars = 0;
    child?.resume(); // paused pipes would never reach 'close'
    child?.stop();
  };
  signal.addEventListener('abort', cancel, { once: true });

  const closed: Promise<void> = (child?.closed ?? Promise.resolve(null)).then((exit) => {
    signal.removeEventListener('abort', cancel);
    let failure: RuntimeFailure | null = null;
    if (!cancelled && exit !== null && (exit.spawnError !== null || exit.code !== 0)) {
      failure = pullFailure(binary, exit, child as ChildRun);
    }
    outcome = { failure };
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      if (failure === null) w.resolve({ value: undefined, done: true });
      else {
        outcome = { failure: null };
        w.reject(failure);
      }
    }
  });

  const iterator: AsyncIterableIterator<string> = {
    next() {
      const value = queue.shift();
      if (value !== undefined) {
        queuedChars -= value.length;
        if (queuedChars <= QUEUE_HIGH_WATER_CHARS / 2) child?.resume();
        return Promise.resolve({ value, done: false });
      }
      if (outcome !== null) {
        const { failure } = outcome;
        outcome = { failure: null }; // thrown once; later calls just end
        return failure === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(failure);
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    async return() {
      if (outcome === null) {
        cancel();
        await closed;
      }
      outcome = { failure: null };
      queue.length = 0;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function pullFailure(binary: string, exit: ChildExit, child: ChildRun): RuntimeFailure {
  if (exit.spawnError !== null) {
    return new RuntimeFailure(`could not start "${binary} pull": ${exit.spawnError.message}`, {
      exit_code: null,
      signal: null,
      stderr_tail: '',
    });
  }
  const said = lastErrorLine(child.stderr) ?? lastErrorLine(child.stdout, false);
  // Killed by someone else: the signal is the news, whatever the tool said before.
  const message =
    exit.code === null
      ? `"${binary} pull" was killed by ${exit.signal}${said === null ? '' : ` (it last said: ${said})`}`
      : (said ?? `"${binary} pull" exited with code ${exit.code} without saying why`);
  return new RuntimeFailure(message, {
    exit_code: exit.code,
    signal: exit.signal,
    stderr_tail: child.stderr.text,
  });
}
