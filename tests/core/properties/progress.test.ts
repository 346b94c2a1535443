/**
 * Properties of parse → aggregate (docs/api.md, PullSnapshot) over generated pulls in all
 * five engine output shapes: interleaved layers, duplicated, swapped and
 * dropped lines, retries, missing totals, garbage and in-stream errors, cut
 * into random chunks. After every event: percent is null or in [0, 100],
 * never lower than before, at most 99 until the pull completes and 100 only
 * then; `layer ≤ total_layers`; bytes_done ≤ bytes_total when both are known
 * and exact; every field fits the wire schema; nothing throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPullParser } from '../../../server/core/parse/parser.ts';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import { MAX_PULLING_PERCENT } from '../../../server/core/progress/percent.ts';
import type { ProgressEvent, PullOutputFormat, PullProgressFields } from '../../../server/core/types.ts';
import { PullSnapshotSchema } from '../../../server/http/schemas.ts';
import { cutAt, garbageLine, pullStream, type PullStream } from './pull-streams.ts';

const T0 = Date.UTC(2026, 10, 26, 22, 0, 0);
const NUM_RUNS = 400;
/** The wire schema's field rules (finite numbers, integers, ranges, enums) for the aggregator's part of a snapshot. */
const ProgressFieldsSchema = PullSnapshotSchema.partial();

/** Every rule one snapshot must satisfy on its own, and against the previous one of the same job. */
function checkSnapshot(s: PullProgressFields, before: PullProgressFields | null): void {
  ProgressFieldsSchema.parse(s);
  if (s.percent !== null) {
    expect(s.percent).toBeGreaterThanOrEqual(0);
    expect(s.percent).toBeLessThanOrEqual(100);
  }
  if (before?.percent != null) {
    expect(s.percent, 'percent went back to indeterminate').not.toBeNull();
    expect(s.percent, `percent went down from ${before.percent}`).toBeGreaterThanOrEqual(before.percent);
  }
  if (s.state !== 'completed' && s.percent !== null) expect(s.percent).toBeLessThanOrEqual(MAX_PULLING_PERCENT);
  if (s.state === 'completed') expect(s.percent).toBe(100);
  expect(s.phase === null).toBe(s.state !== 'pulling');

  expect(s.layer === null).toBe(s.total_layers === null);
  if (s.layer !== null && s.total_layers !== null) {
    expect(s.layer).toBeLessThanOrEqual(s.total_layers);
    expect(s.total_layers + (s.layers_cached ?? 0)).toBe(s.layers.length);
  }
  expect(new Set(s.layers.map((layer) => layer.id)).size, 'a layer is listed twice').toBe(s.layers.length);
  if (s.bytes_total_exact && s.bytes_done !== null && s.bytes_total !== null) {
    expect(s.bytes_done, 'more bytes done than the exact total').toBeLessThanOrEqual(s.bytes_total);
  }
  for (const layer of s.layers) {
    if (layer.phase !== 'extracting' && layer.current !== null && layer.total !== null) expect(layer.current).toBeLessThanOrEqual(layer.total);
  }
}

interface Replayed {
  progress: PullProgress;
  last: PullProgressFields;
  now: number;
}

/** Feeds a stream chunk by chunk, checking a snapshot after every event, then ends it as the registry would. */
function replay(stream: PullStream): Replayed {
  const progress = new PullProgress(T0);
  const parser = createPullParser(stream.format);
  let now = T0;
  let last = progress.snapshot(now);
  checkSnapshot(last, null);
  const applyAll = (events: ProgressEvent[]) => {
    for (const event of events) {
      progress.apply(event, now);
      const s = progress.snapshot(now);
      checkSnapshot(s, last);
      last = s;
    }
  };
  stream.chunks.forEach((chunk, index) => {
    now += stream.steps[index % stream.steps.length]!;
    applyAll(parser.push(chunk));
  });
  applyAll(parser.flush());

  const pullingBefore = progress.state === 'pulling';
  now += 1;
  switch (stream.ending) {
    case 'complete':
      progress.complete(now);
      break;
    case 'fail':
      progress.fail('the registry went away', now);
      break;
    case 'cancel':
      progress.cancel(now);
      break;
    case 'none':
      break;
  }
  const end = progress.snapshot(now);
  checkSnapshot(end, last);
  if (stream.ending === 'complete' && pullingBefore) {
    expect(end.state).toBe('completed');
    expect(end.layer).toBe(end.total_layers);
    if (end.bytes_total_exact) expect(end.bytes_done).toBe(end.bytes_total);
  }
  return { progress, last: end, now };
}

describe('parse → aggregate properties', () => {
  it('hold for real-looking pulls, cleanly ordered, in every shape', () => {
    fc.assert(
      fc.property(pullStream({ roughen: false, errors: false }), (stream) => {
        const { last } = replay(stream);
        if (stream.ending === 'complete') expect(last.state).toBe('completed');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('hold with duplicated, swapped and dropped lines, garbage, retries, missing totals and in-stream errors', () => {
    fc.assert(
      fc.property(pullStream(), (stream) => {
        replay(stream);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('ignore everything after a terminal state', () => {
    fc.assert(
      fc.property(pullStream(), fc.array(garbageLine, { maxLength: 5 }), (stream, extra) => {
        const { progress, now } = replay({ ...stream, ending: stream.ending === 'none' ? 'cancel' : stream.ending });
        const later = now + 5_000;
        const before = progress.snapshot(later);
        const parser = createPullParser(stream.format);
        for (const event of parser.push(stream.text + extra.join('\n'))) progress.apply(event, later);
        progress.complete(later);
        progress.fail('late', later);
        expect(progress.snapshot(later)).toEqual(before);
      }),
      { numRuns: NUM_RUNS / 2 },
    );
  });

  it('do not depend on where the chunks are cut', () => {
    fc.assert(
      fc.property(pullStream(), fc.array(fc.nat(), { maxLength: 40 }), (stream, cuts) => {
        const events = (chunks: string[]) => {
          const parser = createPullParser(stream.format);
          return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.flush()];
        };
        expect(events(cutAt(stream.text, cuts))).toEqual(events([stream.text]));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throw on arbitrary text, and still satisfy every rule', () => {
    const formats: PullOutputFormat[] = ['engine-json', 'docker-cli', 'podman-cli'];
    fc.assert(
      fc.property(
        fc.constantFrom(...formats),
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), garbageLine), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (format, lines, cuts) => {
          const text = lines.join('\n');
          replay({ shape: 'dockerd', format, lines, text, chunks: cutAt(text, cuts), steps: [250], ending: 'complete' });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
