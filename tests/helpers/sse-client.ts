/**
 * Reads an SSE response with a real SSE parser (eventsource-parser), so the
 * tests see frames exactly as a browser's EventSource would.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseReader {
  /** The next message; rejects naming what was awaited when none comes in time. */
  next(timeoutMs?: number): Promise<EventSourceMessage>;
  /** Reads until a message matches. */
  until(match: (data: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly comments: string[];
  readonly retry: number | null;
  /** True once the server ended the response. */
  readonly ended: boolean;
  close(): Promise<void>;
}

export function readSse(response: Response): SseReader {
  if (response.body === null) throw new Error('response has no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const messages: EventSourceMessage[] = [];
  const comments: string[] = [];
  let retry: number | null = null;
  let ended = false;
  const parser = createParser({
    onEvent: (message) => messages.push(message),
    onComment: (comment) => comments.push(comment.trim()),
    onRetry: (ms) => (retry = ms),
  });

  let pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  const read = (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no SSE message within ${timeoutMs} ms`)), timeoutMs);
    });
    // A read that timed out is still pending; the next call waits on it rather than losing its chunk.
    pendingRead ??= reader.read().finally(() => (pendingRead = null));
    return Promise.race([pendingRead, timeout]).finally(() => clearTimeout(timer));
  };

  const next = async (timeoutMs = 5000): Promise<EventSourceMessage> => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length === 0) {
      if (ended) throw new Error('the stream ended before the next SSE message');
      const { done, value } = await read(Math.max(1, deadline - Date.now()));
      if (done) ended = true;
      else parser.feed(decoder.decode(value, { stream: true }));
    }
    return messages.shift() as EventSourceMessage;
  };

  return {
    next,
    async until(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const data = JSON.parse((await next(Math.max(1, deadline - Date.now()))).data) as Record<string, unknown>;
        if (match(data)) return data;
      }
    },
    comments,
    get retry() {
      return retry;
    },
    get ended() {
      return ended;
    },
    close: () => reader.cancel(),
  };
}
