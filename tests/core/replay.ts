/**
 * Replays the captured engine streams of tests/fixtures/ as (line, time)
 * pairs: strips a leading HTTP response head, uses the `<epoch seconds> `
 * prefix of timed captures, else synthetic 100 ms steps. Lines come without
 * their CR/LF (the HTTP captures have CRLF endings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PullOutputFormat } from '../../server/core/types.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Time of the first line of an untimed capture. */
export const SYNTHETIC_START_MS = Date.UTC(2026, 10, 26, 22, 0, 0);
export const SYNTHETIC_STEP_MS = 100;

const TIMED = /^(\d{10}(?:\.\d{1,6})?)(?: (.*))?$/;

export interface ReplayLine {
  line: string;
  at: number;
}

export interface FixtureCase {
  /** File name without the .stderr/.stdout suffix. */
  name: string;
  /** Files replayed one after the other (stderr before stdout). */
  files: string[];
  format: PullOutputFormat;
}

/** The parser a fixture needs, from its name. */
export function formatFor(name: string): PullOutputFormat {
  if (name.includes('-cli-pull-')) return 'podman-cli';
  if (name.includes('-create-') || name.includes('-libpod-')) return 'engine-json';
  throw new Error(`no parser known for fixture '${name}'`);
}

/** Every fixture, CLI stderr/stdout pairs grouped. */
export function fixtureCases(): FixtureCase[] {
  const files = readdirSync(FIXTURES_DIR).filter((file) => file !== 'README.md').sort();
  const cases = new Map<string, string[]>();
  for (const file of files) {
    const name = file.replace(/\.(stderr|stdout)$/, '');
    cases.set(name, [...(cases.get(name) ?? []), file]);
  }
  return [...cases].map(([name, group]) => ({
    name,
    files: group.sort((a, b) => Number(a.endsWith('.stdout')) - Number(b.endsWith('.stdout'))),
    format: formatFor(name),
  }));
}

/** One file's lines with their times; untimed lines follow `startAt` in steps. */
export function readFixtureLines(file: string, startAt = SYNTHETIC_START_MS): ReplayLine[] {
  const raw = readFileSync(FIXTURES_DIR + file, 'utf8').split(/\r?\n/);
  if (raw.at(-1) === '') raw.pop();
  const timed = TIMED.test(raw.find((line) => line !== '') ?? '');
  let lines: ReplayLine[] = raw.map((text, index) => {
    const match = timed ? TIMED.exec(text) : null;
    if (timed && !match) throw new Error(`${file}: line ${index + 1} has no timestamp`);
    return match
      ? { line: match[2] ?? '', at: Math.round(Number(match[1]) * 1000) }
      : { line: text, at: startAt + index * SYNTHETIC_STEP_MS };
  });
  if (lines[0]?.line.startsWith('HTTP/')) {
    const blank = lines.findIndex((entry) => entry.line.trim() === '');
    lines = lines.slice(blank + 1);
  }
  return lines;
}

/** A case's lines, its files in order, times never going back. */
export function replayLines(fixture: FixtureCase): ReplayLine[] {
  const out: ReplayLine[] = [];
  for (const file of fixture.files) {
    const last = out.at(-1);
    out.push(...readFixtureLines(file, last ? last.at + SYNTHETIC_STEP_MS : SYNTHETIC_START_MS));
  }
  return out;
}
