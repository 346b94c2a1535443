import { describe, expect, it } from 'vitest';
import { lastEventId, sseComment, sseMessage, sseOpening } from '../../../server/core/sse/frame.ts';

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
});
