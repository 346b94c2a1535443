/**
 * The captures of tests/fixtures/ replayed through parser and PullProgress:
 * each ends as the real pull did, with an honest percent all the way.
 */
import { describe, expect, it } from 'vitest';
import type { PullErrorCode } from '../../../server/core/types.ts';
import { fixtureCases } from '../replay.ts';
import { expectHonestPercent, replay } from './replay-progress.ts';

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
      percent: 1.2, // 199447 / 16780486 = 1.19 % downloaded
      layer: 0,
      total_layers: 3,
    });
    const firstPullComplete = lines.findIndex((l) => l.line.includes('Pull complete'));
    expect(snapshots[firstPullComplete]!.layer).toBe(1);
    const lastExtract = lines.findLastIndex((l) => l.line.includes('Extracting'));
    expect(snapshots[lastExtract]!.phase).toBe('extracting');
    expect(snapshots.at(-1)!.phase).toBe('finalizing');
  });

  it('podman 40 MB/s: speed from 1 s of history, ETA from 2 s, then unpacking without a number', () => {
    const { snapshots, lines } = replay('podman-4.3-compat-create-big-40MBps.timed.txt');
    const at = (current: number) => snapshots[lines.findIndex((l) => l.line.includes(`"current":${current}`))]!;
    expect(at(40_097_025)).toMatchObject({ percent: 19.1, speed_bps: 40_097_025, eta_s: null });
    // 120129918 B over 3.001 s; (209733812 − 120129918) / 40029963.3 = 2.24, rounded: 2
    expect(at(120_129_918)).toMatchObject({ percent: 57.3, speed_bps: 40_029_963, eta_s: 2 });
    const done = snapshots[lines.findIndex((l) => l.line.includes('Download complete'))]!;
    // podman says nothing of extraction: the layer is finished, the image not yet named, it unpacks.
    expect(done).toMatchObject({ phase: 'extracting', layer: 1, total_layers: 1, speed_bps: null, eta_s: null, extract_percent: null, extract_seconds: null });
    expect(snapshots.at(-1)).toMatchObject({ phase: 'finalizing' });
  });

  it('podman compat multi: the config blob, announced after the layers, is never counted as one', () => {
    const { snapshots, lines } = replay('podman-4.3-compat-create-multi.txt');
    expect(lines.map((l) => l.line.includes('005fbdb959a2'))).toEqual([false, false, false, false, false, false, true, true, true]);
    expect(snapshots.map((s) => s.total_layers)).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(snapshots.at(-1)!.layers.map((l) => l.id)).not.toContain('005fbdb959a2');
  });
});
