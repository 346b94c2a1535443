/**
 * The streams of tests/fixtures/recorded/ (real dockerd and podman pulls,
 * timed) replayed through parser and PullProgress, ended as the registry
 * ends them.
 */
import { describe, expect, it } from 'vitest';
import type { LayerPhase, LayerPlan, PullErrorCode } from '../../../server/core/types.ts';
import { engineErrorMessage, fixtureCases, RECORDED_SUBDIR, replayCapture } from '../replay.ts';
import { expectHonestPercent, replay } from './replay-progress.ts';

/**
 * What each stream of tests/fixtures/recorded/ must end as (see its README).
 * Every recorded file needs an entry. The replay ends like runPull (server/core/registry/pull-loop.ts):
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

/** A completed pull of `multi` on dockerd, recorded or (containerd store) built from the format. */
const COMPLETED_MULTI = {
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
  'dockerd-20.10-create-multi-4MBps.timed.txt': COMPLETED_MULTI,
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
    percentAtEnd: 0.3, // 551714 / 209733812 = 0.26 % downloaded, kept through the retry
  },
  // Broken once, retried with a Range request, then completed: no error line.
  'dockerd-20.10-create-break-1MBps.timed.txt': COMPLETED_BIG,
  // Built from the published format (see the README), not recorded.
  'docker-29-containerd-format-create-multi-4MBps.timed.txt': COMPLETED_MULTI,
};

/** Replays a recorded stream and ends it as runPull (server/core/registry/pull-loop.ts) does: complete() when it ended without an error. */
function replayRecorded(name: string) {
  const result = replay(name, RECORDED_SUBDIR);
  const percentAtEnd = result.progress.snapshot(result.end).percent;
  result.progress.complete(result.end);
  return { ...result, percentAtEnd, final: result.progress.snapshot(result.end) };
}

describe('recorded stream replay', () => {
  it('has an expectation for every recorded stream', () => {
    const names = fixtureCases(RECORDED_SUBDIR).map((c) => c.name);
    expect(names).toHaveLength(19);
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
    expect(snapshots[retry]).toMatchObject({ bytes_done: 0, bytes_total: REC.big[1], percent: 0.3, phase: 'downloading' }); // 564224 B = 0.27 % before the break
    const resumed = lines.findIndex((l) => l.line.includes('"total":209169588'));
    expect(snapshots[resumed]!.layers[0]).toEqual({ id: REC.big[0], phase: 'downloading', current: offset + 531_456, total: REC.big[1] });
    expect(snapshots[resumed]).toMatchObject({ bytes_done: offset + 531_456, bytes_total: REC.big[1], bytes_total_exact: true, percent: 0.5 }); // 1095680 B = 0.52 %
    const lastDownloading = lines.findLastIndex((l) => l.line.includes('"status":"Downloading"'));
    expect(snapshots[lastDownloading]).toMatchObject({ bytes_done: offset + 207_756_288, percent: 99 }); // 99.33 % downloaded, held at 99 until completed
  });

  it('dockerd killed: the retries reset the bytes but not the percent, then the error fails the pull', () => {
    const { snapshots, lines } = replayRecorded('dockerd-20.10-create-killed-1MBps.timed.txt');
    const retries = lines.flatMap((l, i) => (l.line.includes('Retrying in') ? [i] : []));
    expect(retries).toHaveLength(5);
    for (const i of retries) {
      expect(snapshots[i]).toMatchObject({ state: 'pulling', phase: 'downloading', bytes_done: 0, percent: 0.3, layer: 0, total_layers: 1 });
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

  describe('Docker 29 with the containerd image store (a stream built from the published format)', () => {
    const name = 'docker-29-containerd-format-create-multi-4MBps.timed.txt';
    const multi = REC.multi3[1] + REC.multi5[1] + REC.multi8[1];

    it('shows the share of the bytes downloaded while the three layers download side by side', () => {
      const { snapshots, lines } = replayRecorded(name);
      const downloading = snapshots.filter((s, i) => s.phase === 'downloading' && s.bytes_total_exact && lines[i]!.line.includes('"Downloading"'));
      expect(downloading.length).toBeGreaterThan(30);
      for (const s of downloading) {
        const share = (s.bytes_done! / s.bytes_total!) * 100;
        expect(s.bytes_total).toBe(multi);
        expect(Math.abs(s.percent! - share)).toBeLessThanOrEqual(0.05); // the downloaded share, to a tenth
        expect(s).toMatchObject({ extract_percent: null, extract_seconds: null });
      }
    });

    it('gives extract_seconds while unpacking, timed from the lines, and an ETA once a layer was extracted', () => {
      const { snapshots, lines } = replayRecorded(name);
      const firstExtracting = lines.findIndex((l) => l.line.includes('"Extracting"'));
      const firstPullComplete = lines.findIndex((l) => l.line.includes('Pull complete'));
      const lastPullComplete = lines.findLastIndex((l) => l.line.includes('Pull complete'));
      expect(snapshots[firstExtracting - 1]).toMatchObject({ phase: 'extracting', percent: 99, extract_seconds: null, eta_s: null });
      expect(snapshots[firstExtracting]).toMatchObject({ phase: 'extracting', extract_seconds: 0, extract_percent: null, eta_s: null });
      // The first layer (3.1 MB) took 1.3 s: 0.41 s per MB, 13.6 MB to go: about 5.6 s, and 5.6 s were left.
      expect(snapshots[firstPullComplete]).toMatchObject({ phase: 'extracting', extract_seconds: 1, eta_s: 6 });
      const left = (lines.at(-1)!.at - lines[firstPullComplete]!.at) / 1000;
      expect(left).toBeCloseTo(5.63, 2);
      expect(snapshots[lastPullComplete]).toMatchObject({ phase: 'finalizing', extract_seconds: 6, eta_s: null });
      let previous = 0;
      for (const s of snapshots.slice(firstExtracting)) {
        expect(s.extract_seconds!).toBeGreaterThanOrEqual(previous);
        previous = s.extract_seconds!;
      }
    });
  });

  describe('with the registry\'s manifest read beside the pull (a plan)', () => {
    /** The manifest's digests; engines show their first 12 hex digits (the rest does not matter here). */
    const digest = (name: RecLayer) => `sha256:${REC[name][0]}${'0'.repeat(52)}`;
    const planOf = (layers: RecLayer[], config: string): LayerPlan => ({
      layers: layers.map((name) => ({ digest: digest(name), size: REC[name][1] })),
      config: `sha256:${config}${'0'.repeat(52)}`,
    });
    const MULTI_PLAN = planOf(['multi3', 'multi5', 'multi8'], '67967dffc2b2');
    const BIG_PLAN = planOf(['big'], '6596ed8e3e8c');

    it('podman multi: exact totals and a percent from the first line, though podman sized one layer only at the end and another never', () => {
      const { snapshots, lines } = replay('podman-4.3-compat-create-multi-4MBps.timed.txt', RECORDED_SUBDIR, MULTI_PLAN);
      const multi = REC.multi3[1] + REC.multi5[1] + REC.multi8[1];
      for (const s of snapshots) expect(s).toMatchObject({ bytes_total: multi, bytes_total_exact: true, total_layers: 3 });
      expect(snapshots[0]!.percent).toBe(0);
      // The 3 MiB layer, never reported in bytes, counts whole at its Download complete.
      const small = lines.findIndex((l) => l.line.includes('"Download complete"') && l.line.includes(REC.multi3[0]));
      expect(snapshots[small]!.bytes_done).toBeGreaterThanOrEqual(REC.multi3[1]);
      // The config blob, announced like a layer, is never one.
      expect(snapshots.at(-1)!.layers.map((l) => l.id)).toEqual([REC.multi3[0], REC.multi5[0], REC.multi8[0]]);
      expectHonestPercent(snapshots);
    });

    it.each(['podman-4.3-compat-create-killed-1MBps.timed.txt', 'podman-4.3-compat-create-break-1MBps.timed.txt'])(
      '%s: the failed pull counts none of the blob podman called complete without a byte reported',
      (name) => {
        const { snapshots } = replay(name, RECORDED_SUBDIR, BIG_PLAN);
        const beforeError = snapshots.at(-2)!;
        expect(beforeError).toMatchObject({ state: 'pulling', bytes_done: REC.big[1], bytes_total: REC.big[1] });
        expect(snapshots.at(-1)).toMatchObject({ state: 'failed', bytes_done: 0, bytes_total: REC.big[1], bytes_total_exact: true });
      },
    );

    it('dockerd killed: the failed pull counts what dockerd reported of the attempt in hand', () => {
      const { snapshots } = replay('dockerd-20.10-create-killed-1MBps.timed.txt', RECORDED_SUBDIR, BIG_PLAN);
      expect(snapshots.at(-1)).toMatchObject({ state: 'failed', bytes_done: 0, bytes_total: REC.big[1], percent: 0.3 });
    });

    it('dockerd multi present: dockerd names no layer of an image it has; the planned layers end cached', () => {
      const { progress, end } = replay('dockerd-20.10-create-multi-present.timed.txt', RECORDED_SUBDIR, MULTI_PLAN);
      progress.complete(end);
      expect(progress.snapshot(end)).toMatchObject({ state: 'completed', percent: 100, total_layers: 0, layers_cached: 3, bytes_total: null });
    });
  });

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
});
