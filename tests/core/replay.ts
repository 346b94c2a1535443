/**
 * Replays the captured engine streams of tests/fixtures/ (and of
 * tests/fixtures/recorded/) as (line, time) pairs: reads and strips a leading
 * HTTP response head (its status is kept), uses the `<epoch seconds> ` prefix
 * of timed captures, else synthetic 100 ms steps. Lines come without their
 * CR/LF (the HTTP captures have CRLF endings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PullOutputFormat } from '../../server/core/types.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** The streams recorded by `npm run record-fixtures`, under {@link FIXTURES_DIR}. */
export const RECORDED_SUBDIR = 'recorded';
/** Time of the first line of an untimed capture. */
export const SYNTHETIC_START_MS = Date.UTC(2026, 10, 26, 22, 0, 0);
export const SYNTHETIC_STEP_MS = 100;

const TIMED = /^(\d{10}(?:\.\d{1,6})?)(?: (.*))?$/;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?: |$)/;

export interface ReplayLine {
  line: string;
  at: number;
}

/** One captured file: the HTTP status it answered with, and its body lines. */
export interface Capture {
  /** Status of the HTTP status line; null for a capture with no response head (CLI output). */
  status: number | null;
  /** Time of the capture's first line (the status line of an HTTP capture). */
  startedAt: number;
  /** The body lines, the head stripped. */
  lines: ReplayLine[];
}

export interface FixtureCase {
  /** File name without the .stderr/.stdout suffix (nor the folder). */
  name: string;
  /** Files replayed one after the other (stderr before stdout), relative to FIXTURES_DIR. */
  files: string[];
  format: PullOutputFormat;
}

/** The parser a fixture needs, from its name. */
export function formatFor(name: string): PullOutputFormat {
  if (name.includes('-cli-pull-')) return 'podman-cli';
  if (name.includes('-create-') || name.includes('-libpod-')) return 'engine-json';
  throw new Error(`no parser known for fixture '${name}'`);
}

/** The capture files of one fixture folder (`''`: the top one), README excluded, relative to FIXTURES_DIR. */
export function fixtureFiles(subdir = ''): string[] {
  const prefix = subdir === '' ? '' : `${subdir}/`;
  return readdirSync(FIXTURES_DIR + prefix, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md')
    .map((entry) => prefix + entry.name)
    .sort();
}

/** Every fixture of one folder, CLI stderr/stdout pairs grouped. */
export function fixtureCases(subdir = ''): FixtureCase[] {
  const cases = new Map<string, string[]>();
  for (const file of fixtureFiles(subdir)) {
    const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.(stderr|stdout)$/, '');
    cases.set(name, [...(cases.get(name) ?? []), file]);
  }
  return [...cases].map(([name, group]) => ({
    name,
    files: group.sort((a, b) => Number(a.endsWith('.stdout')) - Number(b.endsWith('.stdout'))),
    format: formatFor(name),
  }));
}

/** One file's status, start and body lines; untimed lines follow `startAt` in steps. */
export function readCapture(file: string, startAt = SYNTHETIC_START_MS): Capture {
  const raw = readFileSync(FIXTURES_DIR + file, 'utf8').split(/\r?\n/);
  if (raw.at(-1) === '') raw.pop();
  const timed = TIMED.test(raw.find((line) => line !== '') ?? '');
  const lines: ReplayLine[] = raw.map((text, index) => {
    const match = timed ? TIMED.exec(text) : null;
    if (timed && !match) throw new Error(`${file}: line ${index + 1} has no timestamp`);
    return match
      ? { line: match[2] ?? '', at: Math.round(Number(match[1]) * 1000) }
      : { line: text, at: startAt + index * SYNTHETIC_STEP_MS };
  });
  const startedAt = lines[0]?.at ?? startAt;
  if (!lines[0]?.line.startsWith('HTTP/')) return { status: null, startedAt, lines };

  const status = STATUS_LINE.exec(lines[0].line);
  if (!status) throw new Error(`${file}: unreadable HTTP status line '${lines[0].line}'`);
  const blank = lines.findIndex((entry) => entry.line.trim() === '');
  if (blank < 0) throw new Error(`${file}: HTTP head without the blank line that ends it`);
  return { status: Number(status[1]), startedAt, lines: lines.slice(blank + 1) };
}

/** One file's body lines with their times; untimed lines follow `startAt` in steps. */
export function readFixtureLines(file: string, startAt = SYNTHETIC_START_MS): ReplayLine[] {
  return readCapture(file, startAt).lines;
}

/**
 * A case as one capture: its files in order, times never going back. Only a
 * single-file case can carry an HTTP status.
 */
export function replayCapture(fixture: FixtureCase): Capture {
  const captures: Capture[] = [];
  for (const file of fixture.files) {
    const last = captures.at(-1)?.lines.at(-1);
    captures.push(readCapture(file, last ? last.at + SYNTHETIC_STEP_MS : SYNTHETIC_START_MS));
  }
  if (captures.length > 1 && captures.some((capture) => capture.status !== null)) {
    throw new Error(`fixture '${fixture.name}': an HTTP capture must be a single file`);
  }
  return {
    status: captures[0]?.status ?? null,
    startedAt: captures[0]?.startedAt ?? SYNTHETIC_START_MS,
    lines: captures.flatMap((capture) => capture.lines),
  };
}

/** A case's body lines, its files in order, times never going back. */
export function replayLines(fixture: FixtureCase): ReplayLine[] {
  return replayCapture(fixture).lines;
}

/**
 * The job error of an engine's non-200 answer, as server/runtimes/engine/engine.ts
 * `engineMessage` makes it: the body's JSON `message`, else the raw text, else the status.
 */
export function engineErrorMessage(status: number, body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.trim() === '' ? `the engine answered HTTP ${status}` : body.trim().slice(0, 500);
}
