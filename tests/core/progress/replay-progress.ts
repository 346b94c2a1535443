/**
 * Replays a captured engine stream into a PullProgress the way the engine
 * runtime feeds it, and the percent rules every replay must keep.
 */
import { expect } from 'vitest';
import { createPullParser } from '../../../server/core/parse/parser.ts';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import type { LayerPlan, PullProgressFields } from '../../../server/core/types.ts';
import { engineErrorMessage, fixtureCases, replayCapture } from '../replay.ts';

/**
 * Replays a fixture of `subdir` into a PullProgress the way the engine runtime
 * feeds it: a non-200 answer fails the pull with the engine's message (engine.ts
 * throws a RuntimeFailure, runPull (server/core/registry/pull-loop.ts) fails the job with it); else each
 * body line goes through the fixture's parser, snapshotting after every line.
 * With a `plan`, the registry's manifest is applied first, as the pull loop
 * does when it reads the manifest before the engine's first line.
 */
export function replay(name: string, subdir = '', plan?: LayerPlan) {
  const fixture = fixtureCases(subdir).find((c) => c.name === name);
  if (!fixture) throw new Error(`no fixture '${name}' in '${subdir}'`);
  const { status, startedAt, lines } = replayCapture(fixture);
  const progress = new PullProgress(startedAt);
  const snapshots: PullProgressFields[] = [];
  const end = lines.at(-1)?.at ?? startedAt;
  if (plan) progress.apply({ kind: 'plan', plan }, startedAt);
  if (status !== null && status !== 200) {
    progress.fail(engineErrorMessage(status, lines.map((l) => l.line).join('\n')), end);
    return { progress, snapshots, lines, status, end };
  }
  const parser = createPullParser(fixture.format);
  for (const { line, at } of lines) {
    for (const event of parser.push(`${line}\n`)) progress.apply(event, at);
    snapshots.push(progress.snapshot(at));
  }
  for (const event of parser.flush()) progress.apply(event, end);
  return { progress, snapshots, lines, status, end };
}

/** A percent trace that never goes down, stays ≤ 99 while pulling and is 100 only when completed. */
export function expectHonestPercent(snapshots: PullProgressFields[]): void {
  let previous: number | null = null;
  for (const s of snapshots) {
    if (previous !== null) expect(s.percent).not.toBeNull();
    if (s.percent !== null) {
      expect(s.percent).toBeGreaterThanOrEqual(previous ?? 0);
      expect(s.percent).toBeLessThanOrEqual(99);
      previous = s.percent;
    }
    expect(s.state === 'completed').toBe(s.percent === 100);
  }
}
