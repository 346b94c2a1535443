import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../server/core/history/crc32.ts';
import {
  MAX_ERROR_CHARS,
  decodeLine,
  encodeRecord,
  formatRecord,
  parseRecord,
  storedError,
  type JournalRecord,
} from '../../../server/core/history/record.ts';
import { activeJob, finishedJob, T0 } from './fixtures.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const decodeWhole = (line: Uint8Array): JournalRecord | null => decodeLine(line, 0, line.length - 1);

const RECORDS: JournalRecord[] = [
  formatRecord(),
  { t: 'start', ...activeJob() },
  { t: 'start', ...activeJob({ resumes: 2, progress: { percent: 41.5, bytes_done: 10, bytes_total: 20, at: T0 + 5 } }) },
  { t: 'progress', id: 'p_a', percent: 12.3, bytes_done: null, bytes_total: null, at: T0 + 1 },
  { t: 'resume', id: 'p_a', at: T0 + 2 },
  { t: 'end', ...finishedJob() },
  { t: 'end', ...finishedJob({ state: 'failed', error_code: 'pull.not_found', error: 'manifest unknown: ünïcödé', bytes_done: null, bytes_total: null }) },
];

describe('encodeRecord', () => {
  it('writes checksum, space, JSON and a newline', () => {
    const record: JournalRecord = { t: 'resume', id: 'p_a', at: 5 };
    const json = JSON.stringify(record);
    const expected = `${crc32(new TextEncoder().encode(json)).toString(16).padStart(8, '0')} ${json}\n`;
    expect(text(encodeRecord(record))).toBe(expected);
  });

  it('round-trips every record kind through decodeLine', () => {
    for (const record of RECORDS) expect(decodeWhole(encodeRecord(record))).toEqual(record);
  });
});

describe('decodeLine', () => {
  it('rejects a line with any byte changed', () => {
    const line = encodeRecord({ t: 'end', ...finishedJob() });
    for (const at of [0, 7, 8, 9, 20, line.length - 2]) {
      const damaged = line.slice();
      damaged[at] = (damaged[at] as number) ^ 0x01;
      expect(decodeWhole(damaged), `byte ${at}`).toBeNull();
    }
  });

  it('rejects a line cut short, a missing space, upper-case or non-hex digits', () => {
    const line = encodeRecord({ t: 'resume', id: 'p_a', at: 5 });
    expect(decodeLine(line, 0, line.length - 5)).toBeNull();
    expect(decodeLine(line, 0, 9)).toBeNull();
    const noSpace = line.slice();
    noSpace[8] = 0x2d;
    expect(decodeWhole(noSpace)).toBeNull();
    // This record's checksum (3c9d7ff7) has letters: the writer's case is the only one read.
    expect(text(line).slice(0, 8)).toBe('3c9d7ff7');
    expect(decodeWhole(new TextEncoder().encode(text(line).replace('3c9d7ff7', '3C9D7FF7')))).toBeNull();
    const nonHex = line.slice();
    nonHex[0] = 0x67;
    expect(decodeWhole(nonHex)).toBeNull();
  });

  it('reads a line inside a larger buffer', () => {
    const line = encodeRecord({ t: 'resume', id: 'p_a', at: 5 });
    const buffer = new Uint8Array(line.length + 6);
    buffer.set(line, 3);
    expect(decodeLine(buffer, 3, 3 + line.length - 1)).toEqual({ t: 'resume', id: 'p_a', at: 5 });
  });
});

describe('parseRecord', () => {
  it('refuses unknown kinds and wrong shapes, field by field', () => {
    expect(parseRecord(null)).toBeNull();
    expect(parseRecord('start')).toBeNull();
    expect(parseRecord({ t: 'compact', id: 'x' })).toBeNull();
    const start = { t: 'start', ...activeJob() } as Record<string, unknown>;
    for (const [field, value] of [
      ['id', 3],
      ['slots', ['a', 1]],
      ['started_at', -1],
      ['resumes', 1.5],
      ['engine', null],
      ['progress', { percent: 'x', bytes_done: null, bytes_total: null, at: 1 }],
    ] as const) {
      expect(parseRecord({ ...start, [field]: value }), field).toBeNull();
    }
    const end = { t: 'end', ...finishedJob() } as Record<string, unknown>;
    for (const [field, value] of [
      ['state', 'pulling'],
      ['error_code', 5],
      ['finished_at', Number.NaN],
      ['bytes_done', '1'],
    ] as const) {
      expect(parseRecord({ ...end, [field]: value }), field).toBeNull();
    }
    expect(parseRecord({ t: 'progress', id: 'p', percent: 1, bytes_done: 1, bytes_total: 1 })).toBeNull();
    expect(parseRecord({ t: 'format', name: 'slotpull-pulls', version: -1 })).toBeNull();
  });

  it("reads a named engine, and a record without one as the server's own runtime", () => {
    const named = { t: 'start', ...activeJob({ engine: 'gpu2' }) };
    expect(parseRecord(named)).toEqual(named);
    expect(parseRecord({ t: 'end', ...finishedJob() })).not.toHaveProperty('engine');
  });

  it('keeps fields it does not know (a newer version added them)', () => {
    const record = { t: 'resume', id: 'p_a', at: 5, by: 'systemd' };
    expect(parseRecord(record)).toEqual(record);
  });
});

describe('storedError', () => {
  it('cuts long engine words and keeps short ones', () => {
    expect(storedError(null)).toBeNull();
    expect(storedError('denied')).toBe('denied');
    const long = 'x'.repeat(MAX_ERROR_CHARS + 10);
    const stored = storedError(long) as string;
    expect(stored).toHaveLength(MAX_ERROR_CHARS);
    expect(stored.endsWith('…')).toBe(true);
  });
});
