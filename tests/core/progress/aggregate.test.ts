/**
 * PullProgress: events in, the progress fields of a snapshot out. The
 * percent, the layers, the image ids and each engine quirk have their own
 * tests beside this file; replay-*.test.ts replays the captured streams.
 */
import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import type { ProgressEvent, PullErrorCode } from '../../../server/core/types.ts';
import { STALLED_AFTER_MS } from '../../../server/core/progress/stalled.ts';
import { A, B, C, IMAGE_ID, STEP_MS, T0, cached, complete, downloaded, downloading, extracting, pullingFrom, run, snap, waiting } from './pull-events.ts';

describe('PullProgress', () => {
  describe('layers', () => {
    it('keeps cached layers apart: in layers_cached and layers, not in total_layers or bytes', () => {
      const s = snap([pullingFrom, cached(A), waiting(B), cached(C), downloading(B, 25, 100)]);
      expect(s.total_layers).toBe(1);
      expect(s.layers_cached).toBe(2);
      expect(s.layers).toEqual([
        { id: A, phase: 'cached', current: null, total: null },
        { id: B, phase: 'downloading', current: 25, total: 100 },
        { id: C, phase: 'cached', current: null, total: null },
      ]);
      expect(s.bytes_done).toBe(25);
      expect(s.bytes_total).toBe(100);
      expect(s.bytes_total_exact).toBe(true);
      expect(s.percent).toBe(25); // 25 of B's 100 bytes
    });

    it('does not count Pulling from as a layer', () => {
      const s = snap([pullingFrom]);
      expect(s.total_layers).toBeNull();
      expect(s.layers).toEqual([]);
      expect(s.phase).toBe('resolving');
    });
  });

  describe('retry', () => {
    it('resets the layer bytes without lowering the shown percent, which moves on with the new bytes', () => {
      const { progress, now } = run([pullingFrom, downloading(A, 50, 100)]);
      expect(progress.snapshot(now).percent).toBe(50);
      progress.apply({ kind: 'retry', id: A, seconds: 5 }, now + 100);
      const s = progress.snapshot(now + 100);
      expect(s.layers[0]).toEqual({ id: A, phase: 'waiting', current: null, total: 100 });
      expect(s.bytes_done).toBe(0);
      expect(s.percent).toBe(50);
      progress.apply(downloading(A, 10, 100), now + 200);
      expect(progress.snapshot(now + 200).percent).toBe(54.9); // bytes again: on by their share of the rest (10 % of 50 → 99), not still
      progress.apply(downloading(A, 75, 100), now + 300);
      expect(progress.snapshot(now + 300).percent).toBe(75);
    });

    it('is ignored for a complete layer', () => {
      const s = snap([pullingFrom, complete(A), { kind: 'retry', id: A, seconds: 5 }]);
      expect(s.layers[0]!.phase).toBe('complete');
    });
  });

  describe('bytes', () => {
    it('is null while no size or byte count is known', () => {
      const s = snap([waiting(A), downloaded(A), waiting(B)]);
      expect(s.bytes_done).toBeNull();
      expect(s.bytes_total).toBeNull();
      expect(s.bytes_total_exact).toBe(false);
    });

    it('sums over non-cached layers, download bytes only, totals over known sizes', () => {
      const s = snap([pullingFrom, cached(C), downloading(A, 30, 100), downloading(B, 5, 50), downloaded(B), extracting(B, 10, 50)]);
      expect(s.bytes_done).toBe(80);
      expect(s.bytes_total).toBe(150);
      expect(s.bytes_total_exact).toBe(true);
    });
  });

  describe('phase', () => {
    it('goes resolving → downloading → extracting → finalizing → null', () => {
      const { progress } = run([], new PullProgress(T0));
      const phases: Array<string | null> = [progress.snapshot(T0).phase];
      const events = [
        pullingFrom,
        waiting(A),
        waiting(B),
        downloading(A, 10, 10),
        downloaded(A),
        extracting(A, 5, 10),
        downloading(B, 10, 10),
        downloaded(B),
        complete(A),
        complete(B),
        { kind: 'finalizing', message: 'Digest: sha256:…' } as const,
      ];
      events.forEach((event, i) => {
        progress.apply(event, T0 + i);
        phases.push(progress.snapshot(T0 + i).phase);
      });
      progress.complete(T0 + 100);
      phases.push(progress.snapshot(T0 + 100).phase);
      expect(phases).toEqual([
        'resolving',
        'resolving',
        'downloading',
        'downloading',
        'downloading',
        'downloading',
        'downloading',
        'downloading',
        'extracting',
        'extracting',
        'finalizing',
        'finalizing',
        null,
      ]);
    });

    it('is finalizing after a finalizing event even with layers in flight (podman CLI)', () => {
      const s = snap([waiting(A), { kind: 'finalizing', message: 'Copying config sha256:…' }]);
      expect(s.phase).toBe('finalizing');
    });

    it('is finalizing when every layer is cached', () => {
      const s = snap([pullingFrom, cached(A), cached(B)]);
      expect(s.phase).toBe('finalizing');
    });
  });

  describe('terminal states', () => {
    it('an error event fails the pull with the message and its code; later events are ignored', () => {
      const message = 'dial tcp 127.0.0.1:5000: connect: connection refused';
      const { progress, now } = run([waiting(A), { kind: 'error', message }, downloading(A, 5, 10), waiting(B)]);
      const s = progress.snapshot(now);
      expect(progress.state).toBe('failed');
      expect(s.state).toBe('failed');
      expect(s.error).toBe(message);
      expect(s.error_code).toBe('pull.registry_unreachable');
      expect(s.phase).toBeNull();
      expect(s.total_layers).toBe(1);
      expect(s.layers[0]!.phase).toBe('waiting');
      expect(s.finished_at).toBe(new Date(T0 + 2 * STEP_MS).toISOString());
      progress.complete(now + 100);
      expect(progress.state).toBe('failed');
    });

    it('fail takes an explicit code, else derives it', () => {
      const explicit = new PullProgress(T0);
      explicit.fail('exit status 125', T0 + 1, 'pull.not_found' satisfies PullErrorCode);
      expect(explicit.snapshot(T0 + 1).error_code).toBe('pull.not_found');
      const derived = new PullProgress(T0);
      derived.fail('exit status 125', T0 + 1);
      expect(derived.snapshot(T0 + 1).error_code).toBe('pull.engine_error');
    });

    it('cancel ends the pull; complete and fail after it are ignored', () => {
      const { progress, now } = run([waiting(A), downloading(A, 5, 10)]);
      progress.cancel(now + 100);
      progress.complete(now + 200);
      progress.fail('late', now + 300);
      const s = progress.snapshot(now + 400);
      expect(s.state).toBe('cancelled');
      expect(s.percent).toBe(50);
      expect(s.error).toBeNull();
      expect(s.finished_at).toBe(new Date(now + 100).toISOString());
      expect(s.updated_at).toBe(new Date(now + 100).toISOString());
    });

    it('complete marks every non-cached layer complete and leaves cached ones', () => {
      const { progress, now } = run([pullingFrom, cached(A), downloading(B, 5, 10), waiting(C)]);
      progress.complete(now + 100);
      const s = progress.snapshot(now + 100);
      expect(s.state).toBe('completed');
      expect(s.percent).toBe(100);
      expect(s.layers).toEqual([
        { id: A, phase: 'cached', current: null, total: null },
        { id: B, phase: 'complete', current: 10, total: 10 },
        { id: C, phase: 'complete', current: null, total: null },
      ]);
      expect(s.layer).toBe(2);
      expect(s.total_layers).toBe(2);
      expect(s.layers_cached).toBe(1);
      expect(s.bytes_done).toBe(10);
    });
  });

  describe('speed and ETA', () => {
    function steady(seconds: number, options: ConstructorParameters<typeof PullProgress>[1] = {}, start: ProgressEvent = pullingFrom) {
      const progress = new PullProgress(T0, options);
      progress.apply(start, T0);
      progress.apply(waiting(A), T0);
      for (let s = 1; s <= seconds; s++) progress.apply(downloading(A, s * 1_000_000, 10_000_000), T0 + s * 1_000);
      return progress;
    }

    it('is null with under 1 s of history', () => {
      const progress = new PullProgress(T0);
      progress.apply(waiting(A), T0);
      progress.apply(downloading(A, 500_000, 10_000_000), T0 + 900);
      expect(progress.snapshot(T0 + 900).speed_bps).toBeNull();
    });

    it('gives speed after 1 s and ETA only after 2 s with exact totals', () => {
      let s = steady(1).snapshot(T0 + 1_000);
      expect(s.speed_bps).toBe(1_000_000);
      expect(s.eta_s).toBeNull();
      s = steady(2).snapshot(T0 + 2_000);
      expect(s.speed_bps).toBe(1_000_000);
      expect(s.eta_s).toBe(8);
    });

    it('rounds the ETA to the nearest second', () => {
      const progress = steady(3);
      progress.apply(downloading(A, 3_500_000, 10_000_000), T0 + 3_500);
      // window [0, 3.5 s]: 3.5 MB → 1 MB/s; 6.5 MB left
      expect(progress.snapshot(T0 + 3_500).eta_s).toBe(7);
    });

    it('allows for unpacking from the engine\'s last pulls before a layer of this one unpacks', () => {
      // 5 and 10 MB took 0.6 and 1.1 s: a start of 0.1 s and 0.1 s a MB; this pull's 10 MB, 1.1 s more than its 8 s of bytes.
      const unpackedBefore = [
        { bytes: 5_000_000, seconds: 0.6 },
        { bytes: 10_000_000, seconds: 1.1 },
      ];
      expect(steady(2, { unpackedBefore }).snapshot(T0 + 2_000).eta_s).toBe(9);
      expect(steady(2).snapshot(T0 + 2_000).eta_s).toBe(8);
    });

    it('allows for an engine\'s silent end where it reports no unpacking (podman), by its earlier pulls\' silent ends', () => {
      const trying: ProgressEvent = { kind: 'resolving', message: 'Trying to pull x' };
      // Earlier images of 5 and 10 MB ended 0.6 and 1.1 s after their last byte.
      const unpackedBefore = [
        { bytes: 5_000_000, seconds: 0.6 },
        { bytes: 10_000_000, seconds: 1.1 },
      ];
      const progress = steady(2, { unpackedBefore }, trying);
      expect(progress.snapshot(T0 + 2_000).eta_s).toBe(9);
      expect(steady(2, {}, trying).snapshot(T0 + 2_000).eta_s).toBe(8);
      // Every byte in: the silent end counts down from the last byte, where there was no ETA before.
      for (let s = 3; s <= 10; s++) progress.apply(downloading(A, s * 1_000_000, 10_000_000), T0 + s * 1_000);
      progress.apply(downloaded(A), T0 + 10_000);
      expect(progress.snapshot(T0 + 10_100)).toMatchObject({ phase: 'extracting', eta_s: 1 });
      progress.complete(T0 + 11_200);
      expect(progress.unpacked()).toEqual([{ bytes: 10_000_000, seconds: 1.2 }]);
    });

    it('hands on the layers it saw unpacked from start to end, for the engine\'s next pulls', () => {
      const progress = steady(10);
      progress.apply(downloaded(A), T0 + 10_000);
      progress.apply(extracting(A, 1, 10_000_000), T0 + 10_100);
      expect(progress.unpacked()).toEqual([]);
      progress.apply(complete(A), T0 + 11_100);
      expect(progress.unpacked()).toEqual([{ bytes: 10_000_000, seconds: 1 }]);
    });

    it('gives no ETA without exact totals', () => {
      const progress = steady(4);
      progress.apply(waiting(B), T0 + 4_000);
      const s = progress.snapshot(T0 + 4_000);
      expect(s.speed_bps).toBe(1_000_000);
      expect(s.eta_s).toBeNull();
    });

    it('is null when not downloading', () => {
      const progress = steady(4);
      progress.apply(downloaded(A), T0 + 4_100);
      progress.apply(extracting(A, 1, 10_000_000), T0 + 4_200);
      const s = progress.snapshot(T0 + 4_200);
      expect(s.phase).toBe('extracting');
      expect(s.speed_bps).toBeNull();
      expect(s.eta_s).toBeNull();
    });
  });

  describe('stalled', () => {
    it(`says how long no byte has arrived from ${STALLED_AFTER_MS / 1000} s on while downloading, and offers no ETA meanwhile`, () => {
      const progress = new PullProgress(T0);
      progress.apply(waiting(A), T0);
      for (let s = 1; s <= 3; s++) progress.apply(downloading(A, s * 1_000_000, 10_000_000), T0 + s * 1_000);
      expect(progress.snapshot(T0 + 3_000)).toMatchObject({ stalled_s: null, eta_s: 7 });
      expect(progress.snapshot(T0 + 3_000 + STALLED_AFTER_MS - 1)).toMatchObject({ stalled_s: null, phase: 'downloading' });
      expect(progress.snapshot(T0 + 3_000 + STALLED_AFTER_MS)).toMatchObject({ stalled_s: 15, eta_s: null });
      expect(progress.snapshot(T0 + 23_900)).toMatchObject({ stalled_s: 20, eta_s: null });
      progress.apply(downloading(A, 4_000_000, 10_000_000), T0 + 24_000);
      expect(progress.snapshot(T0 + 24_000).stalled_s).toBeNull();
    });

    it('counts a layer that moves on without bytes (podman reports none for a short blob) as progress', () => {
      const progress = new PullProgress(T0);
      progress.apply(waiting(A), T0);
      progress.apply(waiting(B), T0);
      progress.apply(downloaded(A), T0 + 10_000);
      expect(progress.snapshot(T0 + 20_000).stalled_s).toBeNull();
      expect(progress.snapshot(T0 + 25_000).stalled_s).toBe(15);
    });

    it('is null when not downloading, and a retry is no progress', () => {
      const { progress, now } = run([pullingFrom]);
      expect(progress.snapshot(now + 60_000).stalled_s).toBeNull(); // resolving
      progress.apply(downloading(A, 10, 100), now);
      progress.apply({ kind: 'retry', id: A, seconds: 5 }, now + 10_000);
      expect(progress.snapshot(now + 15_000).stalled_s).toBe(15);
    });
  });

  describe('extraction', () => {
    it('gives extract_percent where the engine counts extraction bytes (dockerd), 100 when completed', () => {
      const { progress, now } = run([pullingFrom, downloading(A, 100, 100), downloading(B, 300, 300), downloaded(A), downloaded(B)]);
      expect(progress.snapshot(now)).toMatchObject({ phase: 'extracting', extract_percent: null, extract_seconds: null });
      progress.apply(extracting(A, 50, 100), now + 100);
      expect(progress.snapshot(now + 100)).toMatchObject({ phase: 'extracting', extract_percent: 12.5, percent: 99 });
      progress.apply(complete(A), now + 200);
      expect(progress.snapshot(now + 200).extract_percent).toBe(25);
      progress.complete(now + 300);
      expect(progress.snapshot(now + 300)).toMatchObject({ extract_percent: 100, percent: 100 });
    });

    it("says unpacking with no number where the engine says nothing of it (podman), until it names the image", () => {
      const { progress, now } = run([downloading(A, 50, 100), downloaded(A)]);
      expect(progress.snapshot(now)).toMatchObject({ phase: 'extracting', extract_percent: null, extract_seconds: null, eta_s: null });
      progress.apply({ kind: 'image', id: IMAGE_ID }, now + 100);
      expect(progress.snapshot(now + 100).phase).toBe('finalizing');
    });

    it('adds the extraction left, at the pace of the layers extracted, to the ETA', () => {
      const progress = new PullProgress(T0);
      progress.apply(pullingFrom, T0);
      progress.apply(waiting(A), T0);
      progress.apply(waiting(B), T0);
      progress.apply(downloading(A, 1_000_000, 1_000_000), T0 + 1_000);
      progress.apply(downloaded(A), T0 + 1_000);
      progress.apply(extracting(A, 1, 1_000_000), T0 + 1_000);
      progress.apply(complete(A), T0 + 1_500); // 0.5 s per MB
      progress.apply(downloading(B, 1_000_000, 4_000_000), T0 + 2_000);
      // 3 MB left at 1 MB/s, then 4 MB of B to extract at 0.5 s per MB
      expect(progress.snapshot(T0 + 2_000).eta_s).toBe(5);
    });
  });

  describe('failed', () => {
    it("counts only the bytes the engine reported: podman's Download complete of a cut blob is not a download", () => {
      const { progress, now } = run([waiting(A), waiting(B), downloading(A, 100, 100), downloaded(A), downloading(B, 30, 300), downloaded(B)]);
      expect(progress.snapshot(now)).toMatchObject({ bytes_done: 400, bytes_total: 400 });
      progress.fail('writing blob: happened during read: unexpected EOF', now);
      expect(progress.snapshot(now)).toMatchObject({ state: 'failed', bytes_done: 130, bytes_total: 400 });
    });

    it('counts a layer the engine went on to extract whole', () => {
      const { progress, now } = run([pullingFrom, downloading(A, 60, 100), downloaded(A), extracting(A, 10, 100)]);
      progress.fail('failed to register layer', now);
      expect(progress.snapshot(now).bytes_done).toBe(100);
    });
  });

  it('reports times as ISO strings', () => {
    const { progress, now } = run([waiting(A)]);
    const s = progress.snapshot(now + 5_000);
    expect(s.started_at).toBe('2026-11-26T22:00:00.000Z');
    expect(s.updated_at).toBe('2026-11-26T22:00:00.100Z');
    expect(s.finished_at).toBeNull();
  });

  it('counts unparsed lines', () => {
    const { progress } = run([{ kind: 'unparsed', line: '<html>' }, { kind: 'note', message: 'x' }, { kind: 'unparsed', line: '{' }]);
    expect(progress.unparsedLines).toBe(2);
  });

  it('fails a stream that ended without one understood line, and completes one with any', () => {
    const garbage = new PullProgress(0);
    for (let i = 0; i < 3; i++) garbage.apply({ kind: 'unparsed', line: '\u00ff\u00fe<html>' }, 1);
    garbage.streamEnded(2);
    expect(garbage.snapshot(2)).toMatchObject({
      state: 'failed',
      error_code: 'pull.engine_error',
      error: "the engine's answer was not a pull stream (3 unreadable lines and nothing else)",
    });

    const odd = new PullProgress(0);
    odd.apply({ kind: 'unparsed', line: 'junk' }, 1);
    odd.apply({ kind: 'finalizing', message: 'Status: Image is up to date for x:1' }, 1);
    odd.streamEnded(2);
    expect(odd.state).toBe('completed');

    const silent = new PullProgress(0);
    silent.streamEnded(1);
    expect(silent.state).toBe('completed');
  });

  it("fails a stream of garbage even when the registry's plan arrived: the plan is not the engine's answer", () => {
    const garbage = new PullProgress(0);
    garbage.apply({ kind: 'plan', plan: { config: `sha256:${'c'.repeat(64)}`, layers: [{ digest: `sha256:${'a'.repeat(64)}`, size: 1000 }] } }, 1);
    garbage.apply({ kind: 'unparsed', line: '<html>' }, 1);
    garbage.streamEnded(2);
    expect(garbage.snapshot(2)).toMatchObject({ state: 'failed', error_code: 'pull.engine_error' });
  });
});
