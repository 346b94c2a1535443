import { describe, expect, it } from 'vitest';
import { createPullParser } from '../../../server/core/parse/parser.ts';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import type { LayerPhase, ProgressEvent, PullErrorCode, PullProgressFields } from '../../../server/core/types.ts';
import { engineErrorMessage, fixtureCases, RECORDED_SUBDIR, replayCapture } from '../replay.ts';

const T0 = Date.UTC(2026, 10, 26, 22, 0, 0);
const STEP_MS = 100;
const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';
const C = 'cccccccccccc';
const IMAGE_ID = '005fbdb959a247e448b5a62f99656926e4b399a6cc44ebf93c7de3e56ff2eb75';

const pullingFrom: ProgressEvent = { kind: 'resolving', message: 'Pulling from feas/x', reportsExtraction: true };
const layer = (id: string, phase: LayerPhase, extra: { current?: number; total?: number; units?: string } = {}): ProgressEvent => ({
  kind: 'layer',
  id,
  phase,
  ...extra,
});
const waiting = (id: string) => layer(id, 'waiting');
const downloading = (id: string, current: number, total?: number) =>
  layer(id, 'downloading', total === undefined ? { current } : { current, total });
const downloaded = (id: string) => layer(id, 'downloaded');
const extracting = (id: string, current: number, total: number) => layer(id, 'extracting', { current, total });
const complete = (id: string) => layer(id, 'complete');
const cached = (id: string) => layer(id, 'cached');

/** Applies events 100 ms apart from T0 + 100 ms; returns the progress and the time of the last one. */
function run(events: ProgressEvent[], progress = new PullProgress(T0), startAt = T0 + STEP_MS) {
  let now = startAt - STEP_MS;
  for (const event of events) {
    now += STEP_MS;
    progress.apply(event, now);
  }
  return { progress, now };
}

function snap(events: ProgressEvent[]): PullProgressFields {
  const { progress, now } = run(events);
  return progress.snapshot(now);
}

describe('PullProgress', () => {
  describe('layers', () => {
    it('counts every layer once, by id, in first-seen order', () => {
      const s = snap([pullingFrom, waiting(A), waiting(B), waiting(A), downloading(B, 10, 100), waiting(C)]);
      expect(s.total_layers).toBe(3);
      expect(s.layers.map((l) => l.id)).toEqual([A, B, C]);
    });

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
      expect(s.percent).toBe(20); // 80% of B's download share
    });

    it('does not count Pulling from as a layer', () => {
      const s = snap([pullingFrom]);
      expect(s.total_layers).toBeNull();
      expect(s.layers).toEqual([]);
      expect(s.phase).toBe('resolving');
    });

    it("does not count podman's closing Download complete: its id is the image id", () => {
      const events = [waiting(A), waiting(B), downloaded(A), downloaded(B), waiting(C), downloaded(C)];
      const before = snap(events);
      expect(before.total_layers).toBe(2); // the config blob, announced after the layers, is held back
      const after = snap([...events, downloaded(C)]);
      expect(after.total_layers).toBe(2);
      expect(after.layer).toBe(2);
      expect(after.layers.map((l) => l.id)).toEqual([A, B]);
    });

    it('does not count a podman Download complete for an id never announced', () => {
      const s = snap([cached(A), downloaded('005fbdb959a2')]);
      expect(s.total_layers).toBe(0);
      expect(s.layers_cached).toBe(1);
      expect(s.layers.map((l) => l.id)).toEqual([A]);
    });

    it('keeps a repeated Download complete of dockerd as the same layer', () => {
      const s = snap([pullingFrom, waiting(A), downloaded(A), downloaded(A)]);
      expect(s.total_layers).toBe(1);
      expect(s.layers[0]!.phase).toBe('downloaded');
    });

    it('drops the layer an image event names (by 12-hex prefix) and ignores it later', () => {
      const s = snap([
        waiting(A),
        waiting('005fbdb959a2'),
        { kind: 'image', id: IMAGE_ID },
        downloaded('005fbdb959a2'),
        waiting('005fbdb959a2'),
      ]);
      expect(s.layers.map((l) => l.id)).toEqual([A]);
      expect(s.total_layers).toBe(1);
    });

    it('never moves a layer backwards: a late Downloading after Download complete is ignored', () => {
      const s = snap([pullingFrom, downloading(A, 60, 100), downloaded(A), downloading(A, 70, 100), waiting(A)]);
      expect(s.layers[0]).toEqual({ id: A, phase: 'downloaded', current: 100, total: 100 });
      expect(s.bytes_done).toBe(100);
    });

    it('never lowers download bytes within one attempt', () => {
      const s = snap([pullingFrom, downloading(A, 60, 100), downloading(A, 40, 100)]);
      expect(s.layers[0]!.current).toBe(60);
    });

    it('does not turn a complete layer into a cached one or back', () => {
      const s = snap([pullingFrom, waiting(A), complete(A), cached(A), cached(B), complete(B)]);
      expect(s.layers.map((l) => l.phase)).toEqual(['complete', 'cached']);
    });
  });

  describe('retry', () => {
    it('resets the layer bytes without lowering the shown percent', () => {
      const { progress, now } = run([pullingFrom, downloading(A, 50, 100)]);
      expect(progress.snapshot(now).percent).toBe(40);
      progress.apply({ kind: 'retry', id: A, seconds: 5 }, now + 100);
      const s = progress.snapshot(now + 100);
      expect(s.layers[0]).toEqual({ id: A, phase: 'waiting', current: null, total: 100 });
      expect(s.bytes_done).toBe(0);
      expect(s.percent).toBe(40);
      progress.apply(downloading(A, 10, 100), now + 200);
      expect(progress.snapshot(now + 200).percent).toBe(40);
      progress.apply(downloading(A, 75, 100), now + 300);
      expect(progress.snapshot(now + 300).percent).toBe(60);
    });

    it('counts re-downloaded bytes as received, so the speed never goes negative', () => {
      const progress = new PullProgress(T0);
      progress.apply(pullingFrom, T0);
      progress.apply(waiting(A), T0);
      progress.apply(downloading(A, 1_000_000, 4_000_000), T0 + 1_000);
      progress.apply({ kind: 'retry', id: A, seconds: 1 }, T0 + 1_500);
      progress.apply(downloading(A, 500_000, 4_000_000), T0 + 2_000);
      const s = progress.snapshot(T0 + 2_000);
      expect(s.speed_bps).toBe(750_000); // 1.5 MB received over 2 s
    });

    it("counts a dockerd Range resume from its offset: the resumed attempt's current leaves out the bytes already in hand", () => {
      // dockerd resumes with a Range request and reports current from 0 against total = size − offset
      // (tests/fixtures/recorded/dockerd-20.10-create-break-1MBps.timed.txt).
      const progress = new PullProgress(T0);
      progress.apply(pullingFrom, T0);
      progress.apply(waiting(A), T0);
      progress.apply(downloading(A, 900_000, 1_000_000), T0 + 1_000);
      expect(progress.snapshot(T0 + 1_000).percent).toBe(72);
      progress.apply({ kind: 'retry', id: A, seconds: 1 }, T0 + 1_500);
      progress.apply(downloading(A, 50_000, 100_000), T0 + 2_000);
      const s = progress.snapshot(T0 + 2_000);
      expect(s.layers[0]).toEqual({ id: A, phase: 'downloading', current: 950_000, total: 1_000_000 });
      expect(s.bytes_done).toBe(950_000);
      expect(s.bytes_total).toBe(1_000_000);
      expect(s.percent).toBe(76); // 0.8 × 950000 / 1000000, no longer stuck at 72 until Download complete
      expect(s.speed_bps).toBe(475_000); // 900 kB + 50 kB really received over 2 s: the offset is not received twice
      progress.apply(downloaded(A), T0 + 2_500);
      expect(progress.snapshot(T0 + 2_500)).toMatchObject({ bytes_done: 1_000_000, percent: 80 });
      progress.complete(T0 + 3_000);
      expect(progress.snapshot(T0 + 3_000).layers[0]).toEqual({ id: A, phase: 'complete', current: 1_000_000, total: 1_000_000 });
    });

    it('is ignored for a complete layer', () => {
      const s = snap([pullingFrom, complete(A), { kind: 'retry', id: A, seconds: 5 }]);
      expect(s.layers[0]!.phase).toBe('complete');
    });
  });

  describe('layer (finished count)', () => {
    it('counts downloaded-and-extracted layers where the engine reports extraction', () => {
      const s = snap([pullingFrom, waiting(A), waiting(B), downloaded(A), downloaded(B), complete(B)]);
      expect(s.layer).toBe(1);
      expect(s.total_layers).toBe(2);
    });

    it('counts downloaded layers where the engine never reports extraction (podman)', () => {
      const s = snap([waiting(A), waiting(B), downloaded(A)]);
      expect(s.layer).toBe(1);
      expect(s.total_layers).toBe(2);
    });
  });

  describe('percent', () => {
    it('is null until the first byte data, then weighted by bytes when every size is known', () => {
      const { progress, now } = run([pullingFrom, waiting(A), waiting(B)]);
      expect(progress.snapshot(now).percent).toBeNull();
      progress.apply(downloading(B, 0, 300), now + 100);
      expect(progress.snapshot(now + 100).percent).toBe(0); // by count: A's size is not known yet
      progress.apply(downloading(A, 100, 100), now + 200);
      const s = progress.snapshot(now + 200);
      expect(s.percent).toBe(20); // 0.8 × 100 / 400
      expect(s.bytes_total_exact).toBe(true);
    });

    it('gives a download 100% of a layer where the engine never reports extraction', () => {
      const s = snap([waiting(A), waiting(B), downloading(B, 0, 300), downloading(A, 100, 100)]);
      expect(s.percent).toBe(25);
    });

    it('keeps a higher count-weighted percent when sizes arrive later (it never goes down)', () => {
      const s = snap([pullingFrom, waiting(A), waiting(B), downloading(A, 100, 100), downloading(B, 0, 300)]);
      expect(s.percent).toBe(40); // 0.8 / 2 layers, before the bytes-weighted 20
    });

    it('is weighted by layer count when a size is unknown, with bytes_total_exact false', () => {
      const s = snap([waiting(A), waiting(B), downloading(A, 50, 100)]);
      expect(s.percent).toBe(25); // (0.5 + 0) / 2
      expect(s.bytes_total_exact).toBe(false);
      expect(s.bytes_total).toBe(100);
      expect(s.bytes_done).toBe(50);
    });

    it('splits a layer 80/20 between download and extraction', () => {
      const steps: Array<[ProgressEvent, number]> = [
        [downloading(A, 50, 200), 20],
        [layer(A, 'verifying'), 80],
        [downloaded(A), 80],
        [extracting(A, 100, 200), 90],
        [extracting(A, 200, 200), 99],
        [complete(A), 99],
      ];
      const { progress, now } = run([pullingFrom, waiting(A)]);
      steps.forEach(([event, percent], i) => {
        progress.apply(event, now + (i + 1) * STEP_MS);
        expect(progress.snapshot(now + (i + 1) * STEP_MS).percent).toBe(percent);
      });
    });

    it("handles containerd's Extracting in seconds: extraction counts 0 until complete", () => {
      const s = snap([pullingFrom, downloading(A, 100, 100), downloaded(A), layer(A, 'extracting', { current: 3, units: 's' })]);
      expect(s.percent).toBe(80);
      expect(s.layers[0]).toEqual({ id: A, phase: 'extracting', current: null, total: 100 });
      expect(s.phase).toBe('extracting');
    });

    it('stays null for a pull with no byte data, and is 100 on complete', () => {
      const { progress, now } = run([waiting(A), waiting(B), downloaded(A), downloaded(B)]);
      expect(progress.snapshot(now).percent).toBeNull();
      progress.complete(now + 100);
      expect(progress.snapshot(now + 100).percent).toBe(100);
    });

    it('never goes down when a new layer appears, and stays ≤ 99 until complete', () => {
      const { progress, now } = run([waiting(A), downloading(A, 100, 100), downloaded(A)]);
      expect(progress.snapshot(now).percent).toBe(99);
      progress.apply(waiting(B), now + 100); // raw 50%
      expect(progress.snapshot(now + 100).percent).toBe(99);
      expect(progress.state).toBe('pulling');
      progress.complete(now + 200);
      expect(progress.snapshot(now + 200).percent).toBe(100);
    });

    it('is rounded to one decimal', () => {
      const s = snap([waiting(A), downloading(A, 1, 3)]);
      expect(s.percent).toBe(33.3);
    });

    it('is 100 only when completed: a failure keeps the last value', () => {
      const { progress, now } = run([waiting(A), downloading(A, 100, 100)]);
      progress.fail('unexpected EOF', now + 100);
      expect(progress.snapshot(now + 100).percent).toBe(99);
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
    function steady(seconds: number) {
      const progress = new PullProgress(T0);
      progress.apply(pullingFrom, T0);
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

    it('gives speed after 1 s and ETA only after 3 s with exact totals', () => {
      let s = steady(2).snapshot(T0 + 2_000);
      expect(s.speed_bps).toBe(1_000_000);
      expect(s.eta_s).toBeNull();
      s = steady(3).snapshot(T0 + 3_000);
      expect(s.speed_bps).toBe(1_000_000);
      expect(s.eta_s).toBe(7);
    });

    it('rounds the ETA up', () => {
      const progress = steady(3);
      progress.apply(downloading(A, 3_500_000, 10_000_000), T0 + 3_500);
      // window [0, 3.5 s]: 3.5 MB → 1 MB/s; 6.5 MB left
      expect(progress.snapshot(T0 + 3_500).eta_s).toBe(7);
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
});

/** What each captured fixture must end as. Every fixture needs an entry. */
interface Expected {
  outcome: 'completed' | { error_code: PullErrorCode; error: string };
  /** Layer ids in first-seen order, with sizes where the engine reported them. */
  layers: Array<[id: string, size: number | null]>;
  bytes_total: number | null;
  bytes_total_exact: boolean;
  /** Shown percent just before complete() (null: the engine gave no bytes). */
  percentAtEnd: number | null;
  unparsed: number;
}

const MULTI = { d9b9: 'd9b9504b1033', f8b2: 'f8b2b38f9424', '6f04': '6f0423e3ae07' } as const;
const MULTI_SIZE = { d9b9: 3_146_606, '6f04': 5_243_940, f8b2: 8_389_940 } as const;
const BIG_ID = '15de3992f400';
const BIG_SIZE = 209_733_812;
const INSECURE =
  'initializing source docker://127.0.0.1:5000/feas/multi:1: pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client';
const NOT_FOUND =
  'initializing source docker://127.0.0.1:5000/feas/nope:1: reading manifest 1 in 127.0.0.1:5000/feas/nope: manifest unknown: manifest unknown';

const EXPECTED: Record<string, Expected> = {
  'dockerd-20.10-create-big.txt': {
    outcome: 'completed',
    layers: [[BIG_ID, BIG_SIZE]],
    bytes_total: BIG_SIZE,
    bytes_total_exact: true,
    percentAtEnd: 99,
    unparsed: 0,
  },
  'dockerd-20.10-create-multi-4MBps.timed.txt': {
    outcome: 'completed',
    layers: [
      [MULTI.d9b9, MULTI_SIZE.d9b9],
      [MULTI['6f04'], MULTI_SIZE['6f04']],
      [MULTI.f8b2, MULTI_SIZE.f8b2],
    ],
    bytes_total: 16_780_486,
    bytes_total_exact: true,
    percentAtEnd: 99,
    unparsed: 0,
  },
  'podman-4.3-cli-pull-multi': {
    outcome: 'completed',
    layers: [
      [MULTI.f8b2, null],
      [MULTI.d9b9, null],
      [MULTI['6f04'], null],
    ],
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
    unparsed: 3, // the `time` lines real/user/sys
  },
  'podman-4.3-cli-pull-notfound': {
    outcome: { error_code: 'pull.not_found', error: NOT_FOUND },
    layers: [],
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
    unparsed: 0,
  },
  'podman-4.3-compat-create-big-40MBps.timed.txt': {
    outcome: 'completed',
    layers: [[BIG_ID, BIG_SIZE]],
    bytes_total: BIG_SIZE,
    bytes_total_exact: true,
    percentAtEnd: 99,
    unparsed: 0,
  },
  'podman-4.3-compat-create-big.txt': {
    outcome: 'completed',
    layers: [[BIG_ID, null]],
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
    unparsed: 0,
  },
  'podman-4.3-compat-create-insecure-refused.txt': {
    outcome: { error_code: 'pull.registry_unreachable', error: INSECURE },
    layers: [],
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
    unparsed: 0,
  },
  'podman-4.3-compat-create-multi-4MBps.timed.txt': {
    outcome: 'completed',
    layers: [
      [MULTI.d9b9, null], // finished within a second: podman never sent its size
      [MULTI.f8b2, MULTI_SIZE.f8b2],
      [MULTI['6f04'], MULTI_SIZE['6f04']],
    ],
    bytes_total: MULTI_SIZE.f8b2 + MULTI_SIZE['6f04'],
    bytes_total_exact: false,
    percentAtEnd: 99,
    unparsed: 0,
  },
  'podman-4.3-compat-create-multi.txt': {
    outcome: 'completed',
    layers: [
      [MULTI.f8b2, null],
      [MULTI.d9b9, null],
      [MULTI['6f04'], null],
    ],
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
    unparsed: 0,
  },
  'podman-4.3-libpod-pull-multi.txt': {
    outcome: 'completed',
    layers: [
      [MULTI.f8b2, null],
      [MULTI['6f04'], null],
      [MULTI.d9b9, null],
    ],
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
    unparsed: 0,
  },
};

/**
 * Replays a fixture of `subdir` into a PullProgress the way the engine runtime
 * feeds it: a non-200 answer fails the pull with the engine's message (engine.ts
 * throws a RuntimeFailure, PullRegistry#run fails the job with it); else each
 * body line goes through the fixture's parser, snapshotting after every line.
 */
function replay(name: string, subdir = '') {
  const fixture = fixtureCases(subdir).find((c) => c.name === name);
  if (!fixture) throw new Error(`no fixture '${name}' in '${subdir}'`);
  const { status, startedAt, lines } = replayCapture(fixture);
  const progress = new PullProgress(startedAt);
  const snapshots: PullProgressFields[] = [];
  const end = lines.at(-1)?.at ?? startedAt;
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
function expectHonestPercent(snapshots: PullProgressFields[]): void {
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

describe('fixture replay', () => {
  it('has an expectation for every fixture', () => {
    expect(fixtureCases().map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    it('ends as the real pull did, with the real image layers', () => {
      const { progress, snapshots, end } = replay(name);
      const last = snapshots.at(-1)!;
      expect(progress.unparsedLines).toBe(expected.unparsed);
      expect(last.percent).toBe(expected.percentAtEnd);

      if (expected.outcome === 'completed') {
        expect(progress.state).toBe('pulling');
        progress.complete(end + 1);
      }
      const s = progress.snapshot(end + 1);
      if (expected.outcome === 'completed') {
        expect(s.state).toBe('completed');
        expect(s.percent).toBe(100);
        expect(s.error).toBeNull();
        expect(s.layers).toEqual(
          expected.layers.map(([id, size]) => ({ id, phase: 'complete', current: size, total: size })),
        );
        expect(s.layer).toBe(expected.layers.length);
        expect(s.total_layers).toBe(expected.layers.length);
        expect(s.layers_cached).toBe(0);
      } else {
        expect(s.state).toBe('failed');
        expect(s.error_code).toBe(expected.outcome.error_code);
        expect(s.error).toBe(expected.outcome.error);
        expect(s.percent).toBeNull();
        expect(s.layers).toEqual([]);
      }
      expect(s.phase).toBeNull();
      expect(s.bytes_total).toBe(expected.bytes_total);
      expect(s.bytes_done).toBe(expected.bytes_total);
      expect(s.bytes_total_exact).toBe(expected.bytes_total_exact);
      // A failure finishes at its error line; a success when complete() is called.
      expect(s.finished_at).toBe(new Date(expected.outcome === 'completed' ? end + 1 : end).toISOString());
    });

    it('shows a percent that never goes down, stays ≤ 99 while pulling and is 100 only when completed', () => {
      expectHonestPercent(replay(name).snapshots);
    });
  });

  it('dockerd multi: weights by bytes from the first Downloading lines and extracts after download', () => {
    const { snapshots, lines } = replay('dockerd-20.10-create-multi-4MBps.timed.txt');
    const firstAll = lines.findIndex((l) => l.line.includes('"current":97885'));
    expect(snapshots[firstAll]).toMatchObject({
      phase: 'downloading',
      bytes_done: 36_445 + 65_117 + 97_885,
      bytes_total: 16_780_486,
      bytes_total_exact: true,
      percent: 1, // 0.8 × 199447 / 16780486 = 0.95 %
      layer: 0,
      total_layers: 3,
    });
    const firstPullComplete = lines.findIndex((l) => l.line.includes('Pull complete'));
    expect(snapshots[firstPullComplete]!.layer).toBe(1);
    const lastExtract = lines.findLastIndex((l) => l.line.includes('Extracting'));
    expect(snapshots[lastExtract]!.phase).toBe('extracting');
    expect(snapshots.at(-1)!.phase).toBe('finalizing');
  });

  it('podman 40 MB/s: speed from 1 s of history, ETA from 3 s', () => {
    const { snapshots, lines } = replay('podman-4.3-compat-create-big-40MBps.timed.txt');
    const at = (current: number) => snapshots[lines.findIndex((l) => l.line.includes(`"current":${current}`))]!;
    expect(at(40_097_025)).toMatchObject({ percent: 19.1, speed_bps: 40_097_025, eta_s: null });
    // 120129918 B over 3.001 s; ceil((209733812 − 120129918) / 40029963.3) = 3
    expect(at(120_129_918)).toMatchObject({ percent: 57.3, speed_bps: 40_029_963, eta_s: 3 });
    const done = snapshots[lines.findIndex((l) => l.line.includes('Download complete'))]!;
    expect(done).toMatchObject({ phase: 'finalizing', layer: 1, total_layers: 1, speed_bps: null, eta_s: null });
  });

  it('podman compat multi: the config blob, announced after the layers, is never counted as one', () => {
    const { snapshots, lines } = replay('podman-4.3-compat-create-multi.txt');
    expect(lines.map((l) => l.line.includes('005fbdb959a2'))).toEqual([false, false, false, false, false, false, true, true, true]);
    expect(snapshots.map((s) => s.total_layers)).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(snapshots.at(-1)!.layers.map((l) => l.id)).not.toContain('005fbdb959a2');
  });

  it('keeps a layer\'s size when dockerd resumes a download and reports only the remaining length', () => {
    const progress = new PullProgress(0);
    const layer = (phase: 'waiting' | 'downloading', current?: number, total?: number) =>
      progress.apply({ kind: 'layer', id: 'aaaaaaaaaaaa', phase, ...(current === undefined ? {} : { current, total }) }, 1000);
    progress.apply({ kind: 'resolving', message: 'Pulling from x', reportsExtraction: true }, 0);
    layer('waiting');
    layer('downloading', 500, 1000);
    progress.apply({ kind: 'retry', id: 'aaaaaaaaaaaa', seconds: 5 }, 1000);
    layer('downloading', 100, 500); // resumed from byte 500: 100 of the remaining 500
    const snapshot = progress.snapshot(2000);
    expect(snapshot.bytes_total).toBe(1000);
    expect(snapshot.bytes_done).toBe(600);
    expect(snapshot.layers[0]).toMatchObject({ total: 1000, current: 600 });
  });
});

/**
 * What each stream of tests/fixtures/recorded/ must end as (see its README).
 * Every recorded file needs an entry. The replay ends like PullRegistry#run:
 * complete() when the stream ended without an error.
 */
interface RecordedExpected {
  /** Status of the captured HTTP answer. */
  http: 200 | 404 | 500;
  outcome: 'completed' | { error_code: PullErrorCode; error: string };
  /** Final layers in first-seen order, with sizes where the engine reported them. */
  layers: ReadonlyArray<readonly [id: string, phase: LayerPhase, size: number | null]>;
  layer: number | null;
  total_layers: number | null;
  layers_cached: number | null;
  bytes_done: number | null;
  bytes_total: number | null;
  bytes_total_exact: boolean;
  /** Shown percent after the last line (before complete() for a success; null: no byte data). */
  percentAtEnd: number | null;
}

/** The recorded images' layers (slotpull/multi, big, base-a, base-b) and their sizes. */
const REC = {
  multi3: ['593b29195c79', 3_146_610],
  multi5: ['afba5b103d20', 5_243_943],
  multi8: ['3ffde90395f6', 8_389_936],
  big: ['02d625fbecb3', 209_733_812],
  base: ['f6920ab87718', 4_195_271],
  baseA: ['c2958d851182', 1_049_277],
  baseB: ['98dbfb616b45', 2_097_943],
} as const satisfies Record<string, readonly [string, number]>;
type RecLayer = keyof typeof REC;
const done = (name: RecLayer): [string, LayerPhase, number] => [REC[name][0], 'complete', REC[name][1]];
/** A layer podman never gave a size for. */
const doneUnsized = (name: RecLayer): [string, LayerPhase, null] => [REC[name][0], 'complete', null];
const cachedLayer = (name: RecLayer): [string, LayerPhase, null] => [REC[name][0], 'cached', null];

const REC_REGISTRY = '127.0.0.1:37249';
const REC_NOT_FOUND_PODMAN = `initializing source docker://${REC_REGISTRY}/slotpull/tiny:nope: reading manifest nope in ${REC_REGISTRY}/slotpull/tiny: manifest unknown: manifest unknown`;
const REC_NOT_FOUND_DOCKERD = `manifest for ${REC_REGISTRY}/slotpull/tiny:nope not found: manifest unknown: manifest unknown`;
const REC_REFUSED = `Get "http://${REC_REGISTRY}/v2/": dial tcp ${REC_REGISTRY}: connect: connection refused`;
const REC_REFUSED_PODMAN = `initializing source docker://${REC_REGISTRY}/slotpull/tiny:1: pinging container registry ${REC_REGISTRY}: ${REC_REFUSED}`;
const REC_REFUSED_BLOB = `Get "http://${REC_REGISTRY}/v2/slotpull/big/blobs/sha256:02d625fbecb36892df3f5d5df9ee957db5da9ad0f56f6bd0882bd1e87a6d51b8": dial tcp ${REC_REGISTRY}: connect: connection refused`;
const podmanEof = (storage: string) =>
  `writing blob: storing blob to file "/tmp/slotpull-env-eOWDhz/podman/tmpfiles/${storage}/1": happened during read: unexpected EOF`;

const NOTHING = { layers: [], layer: null, total_layers: null, layers_cached: null, bytes_done: null, bytes_total: null, bytes_total_exact: false, percentAtEnd: null } as const;
/** podman sends `Download complete` for the blob whose copy then failed: the layer counts as downloaded. */
const PODMAN_BROKEN_BIG = {
  http: 200,
  layers: [[REC.big[0], 'downloaded', null]],
  layer: 1,
  total_layers: 1,
  layers_cached: 0,
  bytes_done: null,
  bytes_total: null,
  bytes_total_exact: false,
  percentAtEnd: null, // the break came before podman's first (once a second) Downloading line
} as const satisfies Partial<RecordedExpected>;
const COMPLETED_BIG = {
  http: 200,
  outcome: 'completed',
  layers: [done('big')],
  layer: 1,
  total_layers: 1,
  layers_cached: 0,
  bytes_done: REC.big[1],
  bytes_total: REC.big[1],
  bytes_total_exact: true,
  percentAtEnd: 99,
} as const satisfies RecordedExpected;

const RECORDED: Record<string, RecordedExpected> = {
  'podman-4.3-compat-create-multi-4MBps.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [done('multi8'), done('multi5'), doneUnsized('multi3')], // 3 MiB done before podman's first Downloading
    layer: 3,
    total_layers: 3,
    layers_cached: 0,
    bytes_done: REC.multi8[1] + REC.multi5[1],
    bytes_total: REC.multi8[1] + REC.multi5[1],
    bytes_total_exact: false,
    percentAtEnd: 99,
  },
  'podman-4.3-compat-create-multi-present.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [cachedLayer('multi8'), cachedLayer('multi3'), cachedLayer('multi5')],
    layer: 0,
    total_layers: 0,
    layers_cached: 3,
    bytes_done: null,
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
  },
  'podman-4.3-compat-create-big-40MBps.timed.txt': COMPLETED_BIG,
  'podman-4.3-compat-create-base-a-4MBps.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [done('base'), doneUnsized('baseA')],
    layer: 2,
    total_layers: 2,
    layers_cached: 0,
    bytes_done: REC.base[1],
    bytes_total: REC.base[1],
    bytes_total_exact: false,
    percentAtEnd: 99,
  },
  'podman-4.3-compat-create-base-b-shared-4MBps.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [cachedLayer('base'), doneUnsized('baseB')],
    layer: 1,
    total_layers: 1,
    layers_cached: 1,
    bytes_done: null,
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
  },
  'podman-4.3-compat-create-notfound.timed.txt': {
    http: 200,
    outcome: { error_code: 'pull.not_found', error: REC_NOT_FOUND_PODMAN },
    ...NOTHING,
  },
  'podman-4.3-compat-create-registry-down.timed.txt': {
    http: 200,
    outcome: { error_code: 'pull.registry_unreachable', error: REC_REFUSED_PODMAN },
    ...NOTHING,
  },
  'podman-4.3-compat-create-killed-1MBps.timed.txt': {
    ...PODMAN_BROKEN_BIG,
    outcome: { error_code: 'pull.interrupted', error: podmanEof('storage2515022347') },
  },
  'podman-4.3-compat-create-break-1MBps.timed.txt': {
    ...PODMAN_BROKEN_BIG,
    outcome: { error_code: 'pull.interrupted', error: podmanEof('storage3763887908') },
  },
  'dockerd-20.10-create-multi-4MBps.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [done('multi3'), done('multi5'), done('multi8')],
    layer: 3,
    total_layers: 3,
    layers_cached: 0,
    bytes_done: 16_780_489,
    bytes_total: 16_780_489,
    bytes_total_exact: true,
    percentAtEnd: 99,
  },
  'dockerd-20.10-create-multi-present.timed.txt': {
    http: 200,
    outcome: 'completed', // dockerd names no layer of an image it has: Digest and "Image is up to date" only
    layers: [],
    layer: 0,
    total_layers: 0,
    layers_cached: 0,
    bytes_done: null,
    bytes_total: null,
    bytes_total_exact: false,
    percentAtEnd: null,
  },
  'dockerd-20.10-create-big-40MBps.timed.txt': COMPLETED_BIG,
  'dockerd-20.10-create-base-a-4MBps.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [done('base'), done('baseA')],
    layer: 2,
    total_layers: 2,
    layers_cached: 0,
    bytes_done: REC.base[1] + REC.baseA[1],
    bytes_total: REC.base[1] + REC.baseA[1],
    bytes_total_exact: true,
    percentAtEnd: 99,
  },
  'dockerd-20.10-create-base-b-shared-4MBps.timed.txt': {
    http: 200,
    outcome: 'completed',
    layers: [cachedLayer('base'), done('baseB')],
    layer: 1,
    total_layers: 1,
    layers_cached: 1,
    bytes_done: REC.baseB[1],
    bytes_total: REC.baseB[1],
    bytes_total_exact: true,
    percentAtEnd: 99,
  },
  'dockerd-20.10-create-notfound.timed.txt': {
    http: 404,
    outcome: { error_code: 'pull.not_found', error: REC_NOT_FOUND_DOCKERD },
    ...NOTHING,
  },
  'dockerd-20.10-create-registry-down.timed.txt': {
    http: 500,
    outcome: { error_code: 'pull.registry_unreachable', error: REC_REFUSED },
    ...NOTHING,
  },
  'dockerd-20.10-create-killed-1MBps.timed.txt': {
    // One Downloading line, five Retrying lines, then the error line: the retry found the proxy gone.
    http: 200,
    outcome: { error_code: 'pull.registry_unreachable', error: REC_REFUSED_BLOB },
    layers: [[REC.big[0], 'waiting', REC.big[1]]],
    layer: 0,
    total_layers: 1,
    layers_cached: 0,
    bytes_done: 0, // the retry started the layer over
    bytes_total: REC.big[1],
    bytes_total_exact: true,
    percentAtEnd: 0.2, // 0.8 × 551714 / 209733812, kept through the retry
  },
  // Broken once, retried with a Range request, then completed: no error line.
  'dockerd-20.10-create-break-1MBps.timed.txt': COMPLETED_BIG,
};

/** Replays a recorded stream and ends it as PullRegistry#run does: complete() when it ended without an error. */
function replayRecorded(name: string) {
  const result = replay(name, RECORDED_SUBDIR);
  const percentAtEnd = result.progress.snapshot(result.end).percent;
  result.progress.complete(result.end);
  return { ...result, percentAtEnd, final: result.progress.snapshot(result.end) };
}

describe('recorded stream replay', () => {
  it('has an expectation for every recorded stream', () => {
    const names = fixtureCases(RECORDED_SUBDIR).map((c) => c.name);
    expect(names).toHaveLength(18);
    expect(names.sort()).toEqual(Object.keys(RECORDED).sort());
  });

  describe.each(Object.entries(RECORDED))('%s', (name, expected) => {
    it('ends as the real pull did, with the real image layers', () => {
      const { progress, status, final: s, percentAtEnd, end } = replayRecorded(name);
      expect(status).toBe(expected.http);
      expect(progress.unparsedLines).toBe(0);
      expect(percentAtEnd).toBe(expected.percentAtEnd);
      if (expected.outcome === 'completed') {
        expect(s).toMatchObject({ state: 'completed', percent: 100, error: null, error_code: null });
      } else {
        expect(s).toMatchObject({ state: 'failed', percent: expected.percentAtEnd, ...expected.outcome });
      }
      expect(s.layers).toEqual(
        expected.layers.map(([id, phase, size]) => ({
          id,
          phase,
          current: phase === 'complete' || phase === 'downloaded' ? size : null,
          total: size,
        })),
      );
      expect(s).toMatchObject({
        phase: null,
        layer: expected.layer,
        total_layers: expected.total_layers,
        layers_cached: expected.layers_cached,
        bytes_done: expected.bytes_done,
        bytes_total: expected.bytes_total,
        bytes_total_exact: expected.bytes_total_exact,
        speed_bps: null,
        eta_s: null,
        finished_at: new Date(end).toISOString(),
      });
    });

    it('shows an honest percent, and bytes that fit their total', () => {
      const { snapshots } = replayRecorded(name);
      expectHonestPercent(snapshots);
      let total = 0;
      for (const s of snapshots) {
        if (s.bytes_total_exact) expect(s.bytes_done!).toBeLessThanOrEqual(s.bytes_total!);
        expect(s.bytes_total ?? 0).toBeGreaterThanOrEqual(total); // a layer's size never shrinks
        total = s.bytes_total ?? 0;
        if (s.layer !== null) expect(s.layer).toBeLessThanOrEqual(s.total_layers!);
      }
    });
  });

  it('starts the pull at the HTTP status line: podman answers 200 at once and says what failed 3 s later', () => {
    const { final } = replayRecorded('podman-4.3-compat-create-registry-down.timed.txt');
    expect(final.started_at).toBe('2026-11-27T00:25:41.813Z');
    expect(final.finished_at).toBe('2026-11-27T00:25:44.822Z');
  });

  it('dockerd break: counts the Range-resumed download from its offset and keeps the full size', () => {
    const { snapshots, lines } = replayRecorded('dockerd-20.10-create-break-1MBps.timed.txt');
    const offset = REC.big[1] - 209_169_588; // the resumed attempt's total is the remaining length
    expect(offset).toBe(564_224);
    const retry = lines.findIndex((l) => l.line.includes('Retrying in 5 seconds'));
    expect(snapshots[retry]).toMatchObject({ bytes_done: 0, bytes_total: REC.big[1], percent: 0.2, phase: 'downloading' });
    const resumed = lines.findIndex((l) => l.line.includes('"total":209169588'));
    expect(snapshots[resumed]!.layers[0]).toEqual({ id: REC.big[0], phase: 'downloading', current: offset + 531_456, total: REC.big[1] });
    expect(snapshots[resumed]).toMatchObject({ bytes_done: offset + 531_456, bytes_total: REC.big[1], bytes_total_exact: true, percent: 0.4 });
    const lastDownloading = lines.findLastIndex((l) => l.line.includes('"status":"Downloading"'));
    expect(snapshots[lastDownloading]).toMatchObject({ bytes_done: offset + 207_756_288, percent: 79.5 });
  });

  it('dockerd killed: the retries reset the bytes but not the percent, then the error fails the pull', () => {
    const { snapshots, lines } = replayRecorded('dockerd-20.10-create-killed-1MBps.timed.txt');
    const retries = lines.flatMap((l, i) => (l.line.includes('Retrying in') ? [i] : []));
    expect(retries).toHaveLength(5);
    for (const i of retries) {
      expect(snapshots[i]).toMatchObject({ state: 'pulling', phase: 'downloading', bytes_done: 0, percent: 0.2, layer: 0, total_layers: 1 });
    }
    expect(snapshots.at(-1)).toMatchObject({ state: 'failed', error_code: 'pull.registry_unreachable' });
  });

  it.each(['podman-4.3-compat-create-base-b-shared-4MBps.timed.txt', 'dockerd-20.10-create-base-b-shared-4MBps.timed.txt'])(
    '%s: the base layer pulled with base-a is cached from its Already exists line on',
    (name) => {
      const { snapshots, lines } = replayRecorded(name);
      const exists = lines.findIndex((l) => l.line.includes('Already exists'));
      for (const s of snapshots.slice(exists)) {
        expect(s.layers_cached).toBe(1);
        expect(s.layers[0]).toEqual({ id: REC.base[0], phase: 'cached', current: null, total: null });
      }
    },
  );

  it('reads the dockerd error answers as HTTP 404 and 500 with one JSON body line', () => {
    for (const [name, status] of [
      ['dockerd-20.10-create-notfound.timed.txt', 404],
      ['dockerd-20.10-create-registry-down.timed.txt', 500],
    ] as const) {
      const { status: read, lines } = replayCapture(fixtureCases(RECORDED_SUBDIR).find((c) => c.name === name)!);
      expect(read).toBe(status);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.line).toMatch(/^\{"message":/);
    }
    expect(engineErrorMessage(502, '')).toBe('the engine answered HTTP 502');
    expect(engineErrorMessage(502, ' <html>bad gateway</html>\n')).toBe('<html>bad gateway</html>');
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

  it('does not count podman\'s config blob as a layer, even before it is named as the image', () => {
    const progress = new PullProgress(0);
    const layer = (id: string, phase: LayerPhase, current?: number, total?: number) =>
      progress.apply({ kind: 'layer', id, phase, ...(current === undefined ? {} : { current, total }) }, 1);
    for (const id of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']) layer(id, 'waiting');
    layer('aaaaaaaaaaaa', 'downloading', 10, 100);
    for (const id of ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']) layer(id, 'downloaded');
    // The config, announced like a layer once the layers are done:
    layer('005fbdb959a2', 'waiting');
    expect(progress.snapshot(2)).toMatchObject({ total_layers: 3, layer: 3 });
    layer('005fbdb959a2', 'downloaded');
    expect(progress.snapshot(2)).toMatchObject({ total_layers: 3, layer: 3 });
    layer('005fbdb959a2', 'downloaded');
    progress.complete(3);
    expect(progress.snapshot(3)).toMatchObject({ total_layers: 3, layer: 3, percent: 100 });
  });

  it('counts a late blob as a layer once it shows bytes, or when the pull completes', () => {
    const progress = new PullProgress(0);
    const layer = (id: string, phase: LayerPhase, current?: number, total?: number) =>
      progress.apply({ kind: 'layer', id, phase, ...(current === undefined ? {} : { current, total }) }, 1);
    layer('aaaaaaaaaaaa', 'waiting');
    layer('aaaaaaaaaaaa', 'downloaded');
    layer('bbbbbbbbbbbb', 'waiting');
    expect(progress.snapshot(2).total_layers).toBe(1);
    layer('bbbbbbbbbbbb', 'downloading', 5, 50);
    expect(progress.snapshot(2).total_layers).toBe(2);
    layer('cccccccccccc', 'waiting');
    layer('bbbbbbbbbbbb', 'downloaded');
    layer('dddddddddddd', 'waiting');
    layer('dddddddddddd', 'downloaded');
    progress.complete(3);
    expect(progress.snapshot(3)).toMatchObject({ total_layers: 4, layer: 4 });
  });
});
