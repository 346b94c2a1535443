/**
 * Reading a whole journal: every line decoded in order, the bad ones counted
 * and skipped. Readable as it is after any crash, with no repair step: a torn
 * last line (no newline) or a line that fails its checksum is only counted.
 */
import { JOURNAL_NAME, JOURNAL_VERSION, decodeLine, type JournalRecord } from './record.ts';

const NEWLINE = 0x0a;

/** What reading a journal found besides its records. */
export interface JournalScan {
  /** Lines in the journal, good and bad, the torn tail included. */
  lines: number;
  /** Records handed over (the format line not counted). */
  records: number;
  /** Lines skipped: checksum, JSON or shape wrong, or a record kind this version does not know. */
  skipped: number;
  /** The journal ends in a partial line: the record being written when the process stopped. */
  torn: boolean;
}

/** A journal this version cannot read: a newer format, or not a slotpull journal at all. */
export class JournalFormatError extends Error {
  override readonly name = 'JournalFormatError';
}

/** Decodes every line of `bytes` and hands each good record to `onRecord`, in order. */
export function readJournal(bytes: Uint8Array, onRecord: (record: JournalRecord) => void): JournalScan {
  const scan: JournalScan = { lines: 0, records: 0, skipped: 0, torn: false };
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, start);
    scan.lines += 1;
    if (newline < 0) {
      // No newline: the append was cut short. Never applied, even when it happens to parse.
      scan.torn = true;
      scan.skipped += 1;
      break;
    }
    const record = decodeLine(bytes, start, newline);
    start = newline + 1;
    if (record === null) {
      scan.skipped += 1;
      continue;
    }
    if (record.t === 'format') {
      checkFormat(record);
      continue;
    }
    onRecord(record);
    scan.records += 1;
  }
  return scan;
}

function checkFormat(record: Extract<JournalRecord, { t: 'format' }>): void {
  if (record.name !== JOURNAL_NAME) {
    throw new JournalFormatError(`not a slotpull pull journal (it says it is "${record.name}")`);
  }
  if (record.version > JOURNAL_VERSION) {
    throw new JournalFormatError(
      `written by a newer slotpull (journal format ${record.version}; this one reads up to ${JOURNAL_VERSION}): run that version, or use another --state-dir`,
    );
  }
}
