/**
 * `<cli> pull` as a runtime's PullOutput chunks: the child's lines as they
 * come, its pipes paused while the consumer lags, and its exit turned into
 * the end or a RuntimeFailure in the tool's own words.
 */
import type { ImageReference } from '../core/reference.ts';
import { PushQueue } from '../core/push-queue.ts';
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
  let queuedChars = 0;
  let paused = false;
  let cancelled = false;
  const output = new PushQueue<string>({
    onTake: (text) => {
      queuedChars -= text.length;
      if (paused && queuedChars <= QUEUE_HIGH_WATER_CHARS / 2) {
        paused = false;
        child.resume();
      }
    },
    onReturn: async () => {
      cancel();
      await closed;
    },
  });
  if (signal.aborted) {
    output.end();
    return output;
  }

  const deliver = (text: string): void => {
    if (cancelled) return;
    queuedChars += text.length;
    output.push(text);
    if (!paused && queuedChars > QUEUE_HIGH_WATER_CHARS) {
      paused = true;
      child.pause();
    }
  };
  const child = new ChildRun(binary, ['pull', image.explicit], settings, deliver);
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    output.discard();
    child.resume(); // paused pipes would never reach 'close'
    child.stop();
  };
  signal.addEventListener('abort', cancel, { once: true });

  const closed: Promise<void> = child.closed.then((exit) => {
    signal.removeEventListener('abort', cancel);
    if (!cancelled && (exit.spawnError !== null || exit.code !== 0)) output.fail(pullFailure(binary, exit, child));
    else output.end();
  });
  return output;
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
