/** The refusal log of the Node entry: a flood of refusals cannot fill the log. */
import { describe, expect, it } from 'vitest';
import { rateLimitedLog } from '../../server/node/log-limit.ts';

describe('rateLimitedLog', () => {
  const setup = (lines = 3, windowMs = 1000) => {
    let now = 0;
    const logged: string[] = [];
    const log = rateLimitedLog((line) => logged.push(line), { lines, windowMs, now: () => now });
    return { log, logged, advance: (ms: number) => (now += ms) };
  };

  it('writes the first lines of a window and counts the rest', () => {
    const { log, logged } = setup();
    for (let i = 0; i < 10; i += 1) log(`line ${i}`);
    expect(logged).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('says how many were left out before the first line of a later window', () => {
    const { log, logged, advance } = setup();
    for (let i = 0; i < 10; i += 1) log(`line ${i}`);
    advance(999);
    log('still the first window');
    advance(1);
    log('second window');
    expect(logged).toEqual(['line 0', 'line 1', 'line 2', '(8 more like these were not logged in 1 s)', 'second window']);
  });

  it('says nothing of a window where nothing was left out', () => {
    const { log, logged, advance } = setup();
    log('a');
    advance(5000);
    log('b');
    expect(logged).toEqual(['a', 'b']);
  });

  it('refuses limits that cannot work', () => {
    expect(() => rateLimitedLog(() => {}, { lines: 0 })).toThrow("'lines' must be a positive integer, got 0");
    expect(() => rateLimitedLog(() => {}, { windowMs: 0 })).toThrow("'windowMs' must be positive, got 0");
  });
});
