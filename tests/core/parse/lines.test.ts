import { seededRandom } from '../../../server/core/seeded-random.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLineStream, LineSplitter, MAX_LINE_LENGTH } from '../../../server/core/parse/lines.ts';
import { FIXTURES_DIR, fixtureFiles as listFixtureFiles, RECORDED_SUBDIR } from '../replay.ts';

function splitAll(chunks: Iterable<string>, splitter = new LineSplitter()): string[] {
  const lines: string[] = [];
  for (const chunk of chunks) lines.push(...splitter.push(chunk));
  const last = splitter.flush();
  if (last !== null) lines.push(last);
  return lines;
}


function randomChunks(text: string, seed: number, maxSize: number): string[] {
  const next = seededRandom(seed);
  const chunks: string[] = [];
  for (let at = 0; at < text.length; ) {
    const size = 1 + Math.floor(next() * maxSize);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

const fixtureFiles = [...listFixtureFiles(), ...listFixtureFiles(RECORDED_SUBDIR)];

describe('LineSplitter', () => {
  it('splits on LF, strips one trailing CR and drops blank lines', () => {
    expect(splitAll(['a\r\nb\n\n   \n\r\nc\r\r\nd'])).toEqual(['a', 'b', 'c\r', 'd']);
  });

  it('keeps a partial line until its newline arrives', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('ab')).toEqual([]);
    expect(splitter.push('c\r')).toEqual([]);
    expect(splitter.push('\nde')).toEqual(['abc']);
    expect(splitter.push('f\ng\nh')).toEqual(['def', 'g']);
    expect(splitter.flush()).toBe('h');
    expect(splitter.flush()).toBeNull();
  });

  it('flush gives null for nothing or a blank partial line, and the splitter is reusable', () => {
    const splitter = new LineSplitter();
    expect(splitter.flush()).toBeNull();
    splitter.push('  \r');
    expect(splitter.flush()).toBeNull();
    expect(splitter.push('x\n')).toEqual(['x']);
  });

  it.each(fixtureFiles)('splits %s the same whole, char by char, in random chunks and byte by byte', (file) => {
    const text = readFileSync(FIXTURES_DIR + file, 'utf8');
    const whole = splitAll([text]);
    expect(whole.length).toBeGreaterThan(0);
    expect(whole.some((line) => line.endsWith('\r') || line.includes('\n'))).toBe(false);
    expect(splitAll(text)).toEqual(whole);
    for (const seed of [1, 2, 3, 42]) expect(splitAll(randomChunks(text, seed, 97))).toEqual(whole);

    const decoder = new TextDecoder();
    const bytes = new TextEncoder().encode(text);
    const decoded = [...bytes].map((_, i) => decoder.decode(bytes.subarray(i, i + 1), { stream: true }));
    expect(splitAll(decoded)).toEqual(whole);
  });

  it('gives the expected lines of an HTTP capture with CRLF endings', () => {
    const lines = splitAll([readFileSync(FIXTURES_DIR + 'podman-4.3-compat-create-multi.txt', 'utf8')]);
    expect(lines).toHaveLength(16); // 7 header lines + 9 JSON lines; the blank separator is dropped
    expect(lines[0]).toBe('HTTP/1.1 200 OK');
    expect(lines[7]).toBe('{"status":"Pulling fs layer","progressDetail":{},"id":"f8b2b38f9424"}');
  });

  it('caps an overlong line and discards its rest, in any chunking', () => {
    const input = '0123456789abcdef\nxy\n0123456789';
    const expected = ['01234567', 'xy', '01234567'];
    expect(splitAll([input], new LineSplitter({ maxLineLength: 8 }))).toEqual(expected);
    expect(splitAll(input, new LineSplitter({ maxLineLength: 8 }))).toEqual(expected);
    expect(splitAll(randomChunks(input, 7, 5), new LineSplitter({ maxLineLength: 8 }))).toEqual(expected);
  });

  it('caps at MAX_LINE_LENGTH (64 KiB) by default', () => {
    expect(MAX_LINE_LENGTH).toBe(65_536);
    const long = '{"status":"' + 'x'.repeat(3 * MAX_LINE_LENGTH);
    const lines = splitAll(randomChunks(`${long}\nnext\n`, 9, 5_000));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(long.slice(0, MAX_LINE_LENGTH));
    expect(lines[1]).toBe('next');
  });

  it('rejects a maxLineLength that is not a positive integer', () => {
    expect(() => new LineSplitter({ maxLineLength: 0 })).toThrow(RangeError);
    expect(() => new LineSplitter({ maxLineLength: 1.5 })).toThrow("'maxLineLength' must be a positive integer");
  });
});

describe('createLineStream', () => {
  it('transforms chunks to lines and flushes the last partial line', async () => {
    const source = new ReadableStream<string>({
      start(controller) {
        for (const chunk of ['{"a"', ':1}\r\n\r', '\n{"b":2}\n{"c"', ':3}']) controller.enqueue(chunk);
        controller.close();
      },
    });
    const lines: string[] = [];
    const reader = source.pipeThrough(createLineStream()).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) lines.push(read.value);
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
