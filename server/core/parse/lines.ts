/**
 * Splitting engine output into lines, with a cap on line length so that a
 * broken engine cannot grow memory (after Deno std `TextLineStream` and
 * `unstable_capped_delimiter_stream.ts`).
 */

/** Longest line kept, in UTF-16 code units; the rest of a longer line is dropped. */
export const MAX_LINE_LENGTH = 64 * 1024;

export interface LineSplitterOptions {
  /** Longest line kept (default {@link MAX_LINE_LENGTH}). */
  maxLineLength?: number;
}

/**
 * Turns chunks of text into complete lines. Splits on `\n`, strips one
 * trailing `\r`, drops blank (empty or whitespace-only) lines. A line longer
 * than `maxLineLength` is cut there: the rest, up to its newline, is discarded
 * and the cut line still comes out once (a parser will find it unparsed).
 */
export class LineSplitter {
  readonly #maxLineLength: number;
  /** The current partial line, never longer than the cap. */
  #buffer = '';
  /** The current line hit the cap: discard input until its newline. */
  #overflowing = false;

  constructor(options: LineSplitterOptions = {}) {
    const max = options.maxLineLength ?? MAX_LINE_LENGTH;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`'maxLineLength' must be a positive integer, got ${max}`);
    }
    this.#maxLineLength = max;
  }

  /** Feeds a chunk; returns the lines it completed (possibly none). */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      if (newline === -1) {
        this.#append(chunk, start, chunk.length);
        return lines;
      }
      this.#append(chunk, start, newline);
      this.#emit(lines);
      start = newline + 1;
    }
  }

  /** Ends the input; returns the last line if it had no newline, else null. */
  flush(): string | null {
    const lines: string[] = [];
    this.#emit(lines);
    return lines[0] ?? null;
  }

  #append(chunk: string, from: number, to: number): void {
    if (this.#overflowing || from === to) return;
    const room = this.#maxLineLength - this.#buffer.length;
    if (to - from > room) {
      this.#buffer += chunk.slice(from, from + room);
      this.#overflowing = true;
    } else {
      this.#buffer += chunk.slice(from, to);
    }
  }

  #emit(into: string[]): void {
    let line = this.#buffer;
    this.#buffer = '';
    this.#overflowing = false;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() !== '') into.push(line);
  }
}

/**
 * A `TransformStream` of text chunks to lines, built on {@link LineSplitter}
 * (like Deno std `TextLineStream`). Pipe bytes through a `TextDecoderStream`
 * first.
 */
export function createLineStream(options: LineSplitterOptions = {}): TransformStream<string, string> {
  const splitter = new LineSplitter(options);
  return new TransformStream<string, string>({
    transform(chunk, controller) {
      for (const line of splitter.push(chunk)) controller.enqueue(line);
    },
    flush(controller) {
      const last = splitter.flush();
      if (last !== null) controller.enqueue(last);
    },
  });
}
