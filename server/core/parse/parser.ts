/**
 * One engine's pull output, chunk by chunk, to ProgressEvents: the line
 * splitter plus the line interpreter for that output format.
 */
import type { ProgressEvent, PullOutputFormat } from '../types.ts';
import { parseDockerCliLine } from './docker-cli.ts';
import { parseEngineJsonLine } from './engine-json.ts';
import { LineSplitter, type LineSplitterOptions } from './lines.ts';
import { parsePodmanCliLine } from './podman-cli.ts';

/** Interprets one complete line; never throws. */
export type LineInterpreter = (line: string) => ProgressEvent[];

export interface PullParser {
  /** Feeds a chunk of decoded text; returns the events of the lines it completed. */
  push(chunk: string): ProgressEvent[];
  /** Ends the input; returns the events of a last line without newline. */
  flush(): ProgressEvent[];
}

export type PullParserOptions = LineSplitterOptions;

const INTERPRETERS: Readonly<Record<PullOutputFormat, LineInterpreter>> = {
  'engine-json': parseEngineJsonLine,
  'docker-cli': (line) => [parseDockerCliLine(line)],
  'podman-cli': (line) => [parsePodmanCliLine(line)],
};

/** The line interpreter for an output format. */
export function lineInterpreterFor(format: PullOutputFormat): LineInterpreter {
  const interpret = INTERPRETERS[format];
  if (interpret === undefined) throw new TypeError(`unknown pull output format '${String(format)}'`);
  return interpret;
}

/** A parser for one pull's output in `format`. */
export function createPullParser(format: PullOutputFormat, options: PullParserOptions = {}): PullParser {
  const interpret = lineInterpreterFor(format);
  const splitter = new LineSplitter(options);
  return {
    push(chunk) {
      return splitter.push(chunk).flatMap(interpret);
    },
    flush() {
      const last = splitter.flush();
      return last === null ? [] : interpret(last);
    },
  };
}
