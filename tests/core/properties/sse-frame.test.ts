/**
 * Properties of the SSE framing (server/core/sse/frame.ts), read back by a
 * real SSE parser (eventsource-parser, as the browser's EventSource would):
 * any snapshot-like object — strings with LF, CR, CRLF, U+2028, NUL, lone
 * surrogates, astral characters, huge strings — framed with
 * sseMessage(id, JSON.stringify(x)), encoded as UTF-8 and cut anywhere,
 * parses back to exactly the same JSON, one unnamed event per frame.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastEventId, sseComment, sseMessage, sseOpening } from '../../../server/core/sse/frame.ts';
import { cutAt } from './pull-streams.ts';

const NUM_RUNS = 300;
/** Huge-string runs are few: each one frames and parses a few hundred kB. */
const HUGE_RUNS = 20;
const HUGE_LENGTH = 300_000;

/** Strings that are hard on a line-based format. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\r\n', '\u2028', '\u2029', '\u0000', '\u0085', ':', ' ', 'data: ', 'id: 9', '\ud800', '\udfff', '😀', 'é', '"', '\\'), maxLength: 60 }),
);

/** A PullSnapshot-shaped object whose strings are nasty, plus arbitrary JSON where the engine's words go. */
const snapshotLike = fc.record({
  slot_name: nasty,
  image: nasty,
  job_id: fc.option(nasty),
  state: fc.constantFrom('pulling', 'completed', 'failed', 'cancelled', 'present', 'missing', 'unknown'),
  percent: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
  bytes_done: fc.option(fc.maxSafeNat()),
  layers: fc.array(fc.record({ id: nasty, phase: nasty, current: fc.option(fc.maxSafeNat()), total: fc.option(fc.maxSafeNat()) }), { maxLength: 5 }),
  error: fc.option(nasty),
  extra: fc.jsonValue({ maxDepth: 3 }),
});

/** Feeds bytes to a real SSE parser the way a browser receives them: UTF-8, cut anywhere (also inside a character). */
function parseSse(text: string, cuts: number[]): { events: EventSourceMessage[]; comments: string[]; retry: number | null } {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  let retry: number | null = null;
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment.trim()),
    onRetry: (ms) => (retry = ms),
  });
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const point of [...points, bytes.length]) {
    parser.feed(decoder.decode(bytes.subarray(start, point), { stream: true }));
    start = point;
  }
  parser.feed(decoder.decode());
  return { events, comments, retry };
}

describe('SSE framing properties', () => {
  it('round-trips any snapshot-like object through a real SSE parser, byte-exact JSON', () => {
    fc.assert(
      fc.property(snapshotLike, fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.array(fc.nat(), { maxLength: 30 }), (snapshot, id, cuts) => {
        const json = JSON.stringify(snapshot);
        const { events } = parseSse(sseMessage(id, json), cuts);
        expect(events).toHaveLength(1);
        expect(events[0]!.data).toBe(json);
        expect(events[0]!.id).toBe(String(id));
        expect(events[0]!.event).toBeUndefined();
        expect(JSON.parse(events[0]!.data)).toEqual(JSON.parse(json));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps a whole stream apart: opening, frames and pings come out in order, ids as sent', () => {
    fc.assert(
      fc.property(fc.array(snapshotLike, { minLength: 1, maxLength: 6 }), fc.nat(1000), fc.array(fc.nat(), { maxLength: 40 }), (snapshots, firstId, cuts) => {
        const frames = snapshots.map((snapshot, index) => sseMessage(firstId + index, JSON.stringify(snapshot)));
        const text = sseOpening() + frames.join(sseComment('ping'));
        const { events, comments, retry } = parseSse(text, cuts);
        expect(retry).toBe(3000);
        expect(comments).toEqual(['connected', ...Array(snapshots.length - 1).fill('ping')]);
        expect(events.map((event) => event.data)).toEqual(snapshots.map((snapshot) => JSON.stringify(snapshot)));
        expect(events.map((event) => event.id)).toEqual(snapshots.map((_, index) => String(firstId + index)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('round-trips huge strings full of line breaks', () => {
    fc.assert(
      fc.property(nasty, fc.array(fc.nat(), { maxLength: 50 }), (piece, cuts) => {
        const unit = `${piece}\n\r\r\n😀`;
        const error = unit.repeat(Math.ceil(HUGE_LENGTH / unit.length));
        const json = JSON.stringify({ slot_name: 'chat', error, layers: [{ id: error.slice(0, 1000) }] });
        const { events } = parseSse(sseMessage(1, json), cuts);
        expect(events).toHaveLength(1);
        expect(events[0]!.data).toBe(json);
      }),
      { numRuns: HUGE_RUNS },
    );
  });

  it('carries raw multi-line data as the parser joins it: every CR, LF or CRLF becomes one LF', () => {
    fc.assert(
      fc.property(nasty, fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const { events } = parseSse(sseMessage(7, data), cuts);
        expect(events).toHaveLength(1);
        // UTF-8 cannot carry a lone surrogate: it arrives as U+FFFD (JSON escapes them, so snapshots are exact).
        const sent = new TextDecoder().decode(new TextEncoder().encode(data));
        expect(events[0]!.data).toBe(sent.replace(/\r\n|\r/g, '\n'));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads any Last-Event-ID as a safe non-negative integer, and ours back exactly', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: undefined }), (header) => {
        const id = lastEventId(header);
        expect(Number.isSafeInteger(id) && id >= 0).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(fc.nat({ max: 999_999_999_999_999 }), (id) => {
        expect(lastEventId(String(id))).toBe(id);
        expect(lastEventId(` ${id} `)).toBe(id);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
