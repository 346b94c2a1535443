import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPullParser, lineInterpreterFor } from '../../../server/core/parse/parser.ts';
import type { ProgressEvent, PullOutputFormat } from '../../../server/core/types.ts';
import { FIXTURES_DIR } from '../replay.ts';

function parseChunks(format: PullOutputFormat, chunks: string[]): ProgressEvent[] {
  const parser = createPullParser(format);
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.flush()];
}

describe('createPullParser', () => {
  it('engine-json: joins a JSON line split across chunks and flushes a last line without newline', () => {
    const events = parseChunks('engine-json', [
      '{"status":"Pulling fs layer","progressDetail":{},"id":"d9b',
      '9504b1033"}\r\n{"status":"Download',
      'ing","progressDetail":{"current":1,"total":2},"id":"d9b9504b1033"}',
    ]);
    expect(events).toEqual([
      { kind: 'layer', id: 'd9b9504b1033', phase: 'waiting' },
      { kind: 'layer', id: 'd9b9504b1033', phase: 'downloading', current: 1, total: 2 },
    ]);
  });

  it('engine-json: a non-JSON line is one unparsed event among the others, never a throw', () => {
    const events = parseChunks('engine-json', ['<html>\n{"status":"Waiting","id":"aaaaaaaaaaaa"}\n{"broken\n']);
    expect(events).toEqual([
      { kind: 'unparsed', line: '<html>' },
      { kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'waiting' },
      { kind: 'unparsed', line: '{"broken' },
    ]);
  });

  it('docker-cli and podman-cli pick their interpreters', () => {
    expect(parseChunks('docker-cli', ['d9b9504b1033: Pull complete\n'])).toEqual([
      { kind: 'layer', id: 'd9b9504b1033', phase: 'complete' },
    ]);
    expect(parseChunks('podman-cli', ['Storing signatures\nreal\t0m0.293s'])).toEqual([
      { kind: 'finalizing', message: 'Storing signatures' },
      { kind: 'unparsed', line: 'real\t0m0.293s' },
    ]);
  });

  it('gives the same events for a whole fixture and for it byte by byte', () => {
    const text = readFileSync(FIXTURES_DIR + 'dockerd-20.10-create-big.txt', 'utf8');
    const whole = parseChunks('engine-json', [text]);
    expect(whole).toHaveLength(31);
    expect(whole.filter((event) => event.kind === 'unparsed')).toEqual([]);
    expect(parseChunks('engine-json', [...text])).toEqual(whole);
  });

  it('rejects an unknown format', () => {
    expect(() => lineInterpreterFor('xml' as PullOutputFormat)).toThrow("unknown pull output format 'xml'");
  });
});
