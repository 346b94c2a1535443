/**
 * Properties of the line splitter (server/core/parse/lines.ts): however the
 * text is cut into chunks, the lines are those of splitting it whole; no
 * line is longer than the cap; nothing throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../server/core/parse/lines.ts';
import { cutAt } from './pull-streams.ts';

const NUM_RUNS = 400;

/** The lines of `text` by the rule the splitter documents: LF ends a line, one trailing CR goes, blank lines go, long lines are cut. */
function expectedLines(text: string, max: number): string[] {
  return text
    .split('\n')
    .map((line) => line.slice(0, max))
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '');
}

const text = fc.string({ unit: fc.oneof(fc.constantFrom('\n', '\r', '\r\n', ' ', '\t'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 400 });

describe('LineSplitter properties', () => {
  it('gives the same lines whatever the chunking, each at most the cap', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 50 }), fc.array(fc.nat(), { maxLength: 40 }), (input, max, cuts) => {
        const splitter = new LineSplitter({ maxLineLength: max });
        const lines = cutAt(input, cuts).flatMap((chunk) => splitter.push(chunk));
        const last = splitter.flush();
        if (last !== null) lines.push(last);
        expect(lines).toEqual(expectedLines(input, max));
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
