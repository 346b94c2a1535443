import { describe, expect, it } from 'vitest';
import { JournalFormatError, readJournal } from '../../../server/core/history/journal.ts';
import { encodeRecord, formatRecord, type JournalRecord } from '../../../server/core/history/record.ts';
import { activeJob, finishedJob } from './fixtures.ts';

function journal(...parts: Array<JournalRecord | Uint8Array>): Uint8Array {
  const chunks = parts.map((part) => (part instanceof Uint8Array ? part : encodeRecord(part)));
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

function read(bytes: Uint8Array): { records: JournalRecord[]; scan: ReturnType<typeof readJournal> } {
  const records: JournalRecord[] = [];
  const scan = readJournal(bytes, (record) => records.push(record));
  return { records, scan };
}

const start: JournalRecord = { t: 'start', ...activeJob() };
const end: JournalRecord = { t: 'end', ...finishedJob({ id: 'p_a' }) };

describe('readJournal', () => {
  it('reads nothing from an empty journal', () => {
    expect(read(new Uint8Array(0))).toEqual({ records: [], scan: { lines: 0, records: 0, skipped: 0, torn: false } });
  });

  it('hands over every record but the format line, in order', () => {
    const { records, scan } = read(journal(formatRecord(), start, end));
    expect(records).toEqual([start, end]);
    expect(scan).toEqual({ lines: 3, records: 2, skipped: 0, torn: false });
  });

  it('skips a torn last line, even one whose JSON is whole', () => {
    const whole = encodeRecord(end);
    for (const cut of [1, 20, whole.length - 1]) {
      const { records, scan } = read(journal(formatRecord(), start, whole.subarray(0, cut)));
      expect(records, `cut at ${cut}`).toEqual([start]);
      expect(scan).toEqual({ lines: 3, records: 1, skipped: 1, torn: true });
    }
  });

  it('skips a damaged line in the middle and goes on', () => {
    const damaged = encodeRecord(start);
    damaged[15] = 0x21;
    const { records, scan } = read(journal(formatRecord(), damaged, new TextEncoder().encode('\n'), end));
    expect(records).toEqual([end]);
    expect(scan).toEqual({ lines: 4, records: 1, skipped: 2, torn: false });
  });

  it('refuses a newer format and a journal that is not ours, naming what to do', () => {
    expect(() => read(journal({ t: 'format', name: 'slotpull-pulls', version: 2 }, start))).toThrow(
      new JournalFormatError('written by a newer slotpull (journal format 2; this one reads up to 1): run that version, or use another --state-dir'),
    );
    expect(() => read(journal({ t: 'format', name: 'other', version: 1 }))).toThrow(/not a slotpull pull journal/);
  });
});
