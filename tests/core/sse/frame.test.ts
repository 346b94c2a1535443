import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastEventId, MAX_LAST_EVENT_ID, sseComment, sseMessage, sseOpening } from '../../../server/core/sse/frame.ts';

describe('SSE framing', () => {
  it('opens with retry and a comment', () => {
    expect(sseOpening()).toBe('retry: 3000\n: connected\n\n');
    expect(sseOpening(500)).toBe('retry: 500\n: connected\n\n');
  });

  it('frames one line of data with an id and no event name', () => {
    expect(sseMessage(7, '{"a":1}')).toBe('id: 7\ndata: {"a":1}\n\n');
  });

  it('splits data on CR, LF and CRLF', () => {
    expect(sseMessage(1, 'a\r\nb\nc\rd')).toBe('id: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('refuses ids that are not non-negative integers and multi-line comments', () => {
    expect(() => sseMessage(-1, 'x')).toThrow('non-negative integer');
    expect(() => sseMessage(1.5, 'x')).toThrow('non-negative integer');
    expect(() => sseComment('a\nb')).toThrow('single line');
    expect(sseComment('ping')).toBe(': ping\n\n');
  });

  it('reads Last-Event-ID only when it is one of ours', () => {
    expect(lastEventId('41')).toBe(41);
    expect(lastEventId(' 41 ')).toBe(41);
    expect(lastEventId(null)).toBe(0);
    expect(lastEventId('abc')).toBe(0);
    expect(lastEventId('1e9')).toBe(0);
  });

  it('takes back every id a stream continuing from an accepted one sends, for centuries of frames (property; issue 14)', () => {
    // A stream continues from an accepted id N and sends N+1, N+2, …; each must come back as itself.
    const CENTURIES_OF_FRAMES = 500 * 3600 * 24 * 365 * 300; // 500 frames a second for 300 years
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_LAST_EVENT_ID }), fc.integer({ min: 1, max: CENTURIES_OF_FRAMES }), (accepted, sent) => {
        expect(lastEventId(String(accepted))).toBe(accepted);
        const next = accepted + sent;
        expect(Number.isSafeInteger(next)).toBe(true);
        expect(() => sseMessage(next, 'x')).not.toThrow();
        // Past the bound numbering starts again at 1 (0 here): every connection opens with complete snapshots.
        expect(lastEventId(String(next))).toBe(next <= MAX_LAST_EVENT_ID ? next : 0);
      }),
    );
    expect(lastEventId('999999999999999')).toBe(999_999_999_999_999);
    expect(lastEventId('1000000000000000')).toBe(1_000_000_000_000_000);
    expect(lastEventId(String(MAX_LAST_EVENT_ID + 1))).toBe(0);
    expect(lastEventId('99999999999999999')).toBe(0);
  });
});
