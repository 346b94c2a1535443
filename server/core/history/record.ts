/**
 * The records of the pull journal and their line format:
 *
 *   <crc32 of the JSON, 8 lowercase hex digits> <space> <JSON> <LF>
 *
 * One record per line, written whole by one append. A line whose checksum or
 * shape is wrong is skipped by the reader, never fatal: that is how a record
 * torn by a crash (or a power loss) costs that record only. Times are
 * milliseconds since the epoch; the wire's ISO strings are made on the way out.
 */
import type { JobState } from '../types.ts';
import { crc32 } from './crc32.ts';

/** Names the format in the first line of every journal. */
export const JOURNAL_NAME = 'slotpull-pulls';
/** Bumped only for a change an older reader would misread; new fields and record kinds are additive. */
export const JOURNAL_VERSION = 1;
/** Engine error words longer than this are cut, so that no record can grow without bound. */
export const MAX_ERROR_CHARS = 2000;

/** The last progress known of a running job: the floor its percent resumes from. */
export interface ProgressMark {
  percent: number | null;
  bytes_done: number | null;
  bytes_total: number | null;
  /** When this progress was seen. */
  at: number;
}

/** A job that was pulling or queued: enough to take it up again after a restart. */
export interface ActiveJob {
  id: string;
  /** The image reference as the slots file names it. */
  image: string;
  /** The runtime that pulls it (the engine's name, as in a snapshot's `runtime`). */
  runtime: string;
  /** The slots file's name of the engine it runs on; absent for the server's own runtime. */
  engine?: string;
  /** The slots that asked for the image. */
  slots: string[];
  started_at: number;
  /** How many restarts the job has been taken up again after. */
  resumes: number;
  progress: ProgressMark | null;
}

export type FinishedState = Exclude<JobState, 'pulling'>;

/** A job that ended: one self-contained history entry. */
export interface FinishedJob {
  id: string;
  image: string;
  runtime: string;
  /** As in {@link ActiveJob.engine}. */
  engine?: string;
  slots: string[];
  state: FinishedState;
  /** A PullErrorCode; kept as written, so a code added later still reads back. */
  error_code: string | null;
  error: string | null;
  started_at: number;
  finished_at: number;
  /** Bytes the pull fetched (cached layers not counted); null when the engine never said. */
  bytes_done: number | null;
  bytes_total: number | null;
  resumes: number;
}

export type JournalRecord =
  | { t: 'format'; name: string; version: number }
  /** A job began (or, in a compacted journal, is still running with this progress). */
  | ({ t: 'start' } & ActiveJob)
  | ({ t: 'progress'; id: string } & ProgressMark)
  /** The job was taken up again after a restart. */
  | { t: 'resume'; id: string; at: number }
  | ({ t: 'end' } & FinishedJob);

const encoder = new TextEncoder();
const SPACE = 0x20;
const NEWLINE = 0x0a;
const CRC_DIGITS = 8;

/** One journal line, ready to append: checksum, space, JSON, newline. */
export function encodeRecord(record: JournalRecord): Uint8Array {
  const json = encoder.encode(JSON.stringify(record));
  const line = new Uint8Array(CRC_DIGITS + 1 + json.length + 1);
  line.set(encoder.encode(crc32(json).toString(16).padStart(CRC_DIGITS, '0')), 0);
  line[CRC_DIGITS] = SPACE;
  line.set(json, CRC_DIGITS + 1);
  line[line.length - 1] = NEWLINE;
  return line;
}

/** The format line every journal starts with. */
export function formatRecord(): JournalRecord {
  return { t: 'format', name: JOURNAL_NAME, version: JOURNAL_VERSION };
}

/** Error words as stored: cut to {@link MAX_ERROR_CHARS}. */
export function storedError(error: string | null): string | null {
  return error === null || error.length <= MAX_ERROR_CHARS ? error : `${error.slice(0, MAX_ERROR_CHARS - 1)}…`;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The record in `bytes[start..end)` (a line without its newline), or null
 * when its checksum, JSON or shape is wrong, or its kind is unknown.
 */
export function decodeLine(bytes: Uint8Array, start: number, end: number): JournalRecord | null {
  if (end - start < CRC_DIGITS + 2 || bytes[start + CRC_DIGITS] !== SPACE) return null;
  let expected = 0;
  for (let i = start; i < start + CRC_DIGITS; i++) {
    const digit = hexValue(bytes[i] as number);
    if (digit < 0) return null;
    expected = expected * 16 + digit;
  }
  if (crc32(bytes, start + CRC_DIGITS + 1, end) !== expected) return null;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes.subarray(start + CRC_DIGITS + 1, end)));
  } catch {
    // Unreachable for lines we wrote (the checksum matched); a hand-edited line is skipped like a torn one.
    return null;
  }
  return parseRecord(value);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isNullableNumber = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isFinite(value));
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const FINISHED_STATES: ReadonlySet<unknown> = new Set<FinishedState>(['completed', 'failed', 'cancelled']);

function isMark(fields: Fields): boolean {
  return isNullableNumber(fields.percent) && isNullableNumber(fields.bytes_done) && isNullableNumber(fields.bytes_total) && isTime(fields.at);
}

function isJobBase(fields: Fields): boolean {
  return (
    isString(fields.id) &&
    isString(fields.image) &&
    isString(fields.runtime) &&
    (fields.engine === undefined || isString(fields.engine)) &&
    isStringArray(fields.slots) &&
    isTime(fields.started_at) &&
    isCount(fields.resumes)
  );
}

/** A parsed JSON value as a record, or null when it is not one this version knows. */
export function parseRecord(value: unknown): JournalRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Fields;
  switch (fields.t) {
    case 'format':
      return isString(fields.name) && isCount(fields.version) ? (value as JournalRecord) : null;
    case 'start':
      return isJobBase(fields) && (fields.progress === null || (typeof fields.progress === 'object' && isMark(fields.progress as Fields)))
        ? (value as JournalRecord)
        : null;
    case 'progress':
      return isString(fields.id) && isMark(fields) ? (value as JournalRecord) : null;
    case 'resume':
      return isString(fields.id) && isTime(fields.at) ? (value as JournalRecord) : null;
    case 'end':
      return isJobBase(fields) &&
        FINISHED_STATES.has(fields.state) &&
        isNullableString(fields.error_code) &&
        isNullableString(fields.error) &&
        isTime(fields.finished_at) &&
        isNullableNumber(fields.bytes_done) &&
        isNullableNumber(fields.bytes_total)
        ? (value as JournalRecord)
        : null;
    default:
      return null;
  }
}
