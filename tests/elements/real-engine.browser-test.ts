/**
 * The elements on a real engine: a slotpull app on podman (system service,
 * local registry, throttling proxy; support/real-engine.mjs over tests/env)
 * pulling the seeded `multi` image, 3 layers, ~16 MB, and the slot's
 * container (busybox) running and crashing. Podman announces the
 * layers one by one, reports bytes about once a second per layer and nothing
 * about extraction: the bar is indeterminate until its first byte report
 * (with "layer 0/m" once layers are announced) and determinate after it.
 */
import { expect } from 'chai';
import '../../elements/index.ts';
import {
  SlotPullCancelledEvent,
  SlotPullCompleteEvent,
  SlotPullProgressEvent,
  SlotPullStartEvent,
  slotHub,
  type PullSnapshot,
  type SlotErrorBanner,
  type SlotImagePullBar,
  type SlotImageStatus,
} from '../../elements/index.ts';
import {
  cleanup,
  expectAccessible,
  fixture,
  hasPart,
  newWorld,
  nextEvent,
  part,
  record,
  shadow,
  text,
  until,
  type RealProxyStats,
  type World,
} from './support/harness.ts';
import { realClearTimeout, realSetTimeout } from './support/fake-clock.ts';

const SLOT = 'multi';
const PULL_EVENTS = ['slot-pull-start', 'slot-pull-progress', 'slot-pull-complete', 'slot-pull-failed', 'slot-pull-cancelled'];
/** The proxy's pace per layer (web-test-runner.config.mjs starts it at this): the pull takes about 4 s. */
const PULL_RATE = 2 * 1024 * 1024;
/** Slow enough that a pull is surely still fetching when Cancel is pressed (the whole image would take a minute). */
const CANCEL_RATE = 256 * 1024;
/** A real pull ends within this (it takes about 4 s, more on a busy machine). */
const PULL_MS = 25_000;
/** A container's crash (or start) shows within this: the server reads the engine every 2 s while a stream is open. */
const CRASH_MS = 5_000;

const stateOf = (el: Element): string | null => el.getAttribute('state');
const statusOf = (el: Element): string | null => el.getAttribute('status');
const mountBar = (world: World, attributes = ''): SlotImagePullBar =>
  fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="${SLOT}" base-url="${world.base}" ${attributes}></slot-image-pull-bar>`);
const mountChip = (world: World): SlotImageStatus =>
  fixture<SlotImageStatus>(`<slot-image-status slot-name="${SLOT}" base-url="${world.base}"></slot-image-status>`);
const chipLabel = (chip: Element): string => text(part(chip, 'label'));

/** A fresh slotpull app on the real engine, the image removed from the engine and the proxy at `bps`. */
async function realWorld(bps = PULL_RATE): Promise<World> {
  const world = await newWorld({ engine: 'podman' });
  await world.control('remove-image');
  await world.control<RealProxyStats>('proxy-rate', { bps });
  return world;
}

async function startPull(world: World): Promise<PullSnapshot> {
  const response = await world.api(`/api/slots/${SLOT}/pull`, { method: 'POST' });
  expect(response.status, 'POST …/pull').to.equal(202);
  return (await response.json()) as PullSnapshot;
}

/**
 * Resolves once the page's hub (the stream the elements share) says the
 * slot's container is `status`; fails after CRASH_MS. A hidden banner
 * renders nothing, so there is no DOM change to wait on.
 */
function containerStatus(world: World, status: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let release = (): void => {};
    const timer = realSetTimeout(() => {
      release();
      reject(new Error(`timed out after ${CRASH_MS} ms waiting for container_status "${status}"`));
    }, CRASH_MS);
    release = slotHub().subscribe(world.base, SLOT, {
      snapshot: (snapshot) => {
        if (snapshot.container_status !== status) return;
        realClearTimeout(timer);
        queueMicrotask(() => release());
        resolve();
      },
      transport: () => {},
    });
  });
}

interface Sample {
  state: string | null;
  label: string;
  meta: string;
  valueNow: string | null;
  valueText: string | null;
  percent: number | null;
}

/** Every distinct rendering of a bar from now on (each DOM change under it), until `stop()`. */
function watchBar(bar: SlotImagePullBar): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  const sample = (): void => {
    const track = shadow(bar).querySelector('[part~="track"]');
    const now: Sample = {
      state: stateOf(bar),
      label: hasPart(bar, 'label') ? text(part(bar, 'label')) : '',
      meta: hasPart(bar, 'meta') ? text(part(bar, 'meta')) : '',
      valueNow: track?.getAttribute('aria-valuenow') ?? null,
      valueText: track?.getAttribute('aria-valuetext') ?? null,
      percent: bar.snapshot?.percent ?? null,
    };
    if (JSON.stringify(now) !== JSON.stringify(samples.at(-1))) samples.push(now);
  };
  const observer = new MutationObserver(sample);
  observer.observe(bar, { attributes: true });
  observer.observe(shadow(bar), { attributes: true, childList: true, subtree: true, characterData: true });
  sample();
  return {
    samples,
    stop: () => {
      sample();
      observer.disconnect();
    },
  };
}

/** `[n, m]` of the "layer n/m" that ends a meta line; null without one. */
function layerOf(meta: string): [number, number] | null {
  const match = /layer (\d+)\/(\d+)$/.exec(meta);
  return match === null ? null : [Number(match[1]), Number(match[2])];
}

/** Consecutive duplicates dropped. */
const runs = <T>(values: T[]): T[] => values.filter((value, i) => i === 0 || value !== values[i - 1]);

describe('on a real engine (podman)', () => {
  before(async function () {
    this.timeout(90_000); // the first real world starts the engine environment (about 2 s; more on a busy machine)
    const world = await newWorld({ engine: 'podman' });
    expect(world.engine?.name).to.equal('podman');
    expect(world.engine?.image.layers).to.equal(3);
  });

  afterEach(cleanup);

  it('<slot-image-pull-bar> follows a real pull from the first frame to "Image ready"', async () => {
    const world = await realWorld();
    const image = world.engine!.image;
    const bar = mountBar(world);
    await until(bar, () => stateOf(bar) === 'missing', 'missing');
    expect(text(part(bar, 'label'))).to.equal('Image not pulled yet');

    const watched = watchBar(bar);
    const events = record(bar, PULL_EVENTS);
    const started = await startPull(world);
    expect(started).to.include({ state: 'pulling', runtime: 'podman', percent: null });
    await nextEvent(bar, 'slot-pull-complete', PULL_MS);
    await bar.updateComplete;
    events.stop();
    watched.stop();
    const samples = watched.samples;
    const pulling = `Pulling image ${image.ref}…`;

    // Missing, then waiting for podman's first byte report, then bytes, then done: never back.
    expect(runs(samples.map((s) => s.state))).to.deep.equal(['missing', 'indeterminate', 'determinate', 'completed']);
    for (const s of samples.filter((sample) => sample.state === 'indeterminate')) {
      expect(s.label).to.equal(pulling);
      expect(s.valueNow, 'aria-valuenow while indeterminate').to.equal(null);
      expect(s.meta).to.match(/^(layer \d\/\d)?$/);
      expect(s.valueText).to.match(/^(waiting for size information|layer \d of \d)$/);
    }
    // "layer n/m": podman announces the layers one by one, so m grows to 3 while n counts finished ones.
    // At the very end podman also announces the image config as a layer ("Pulling fs layer"), which
    // the server counts until podman's closing line names it as the image: a frame that falls in
    // between says "layer 4/4" or "layer 3/4" (in about 1 pull of 6).
    const layers = samples
      .filter((s) => s.state === 'indeterminate' || s.state === 'determinate')
      .map((s) => layerOf(s.meta))
      .filter((layer) => layer !== null);
    for (const [done, total] of layers) {
      expect(done).to.be.within(0, total);
      expect(total).to.be.within(1, image.layers + 1);
    }
    const totals = layers.map(([, total]) => total).filter((total) => total <= image.layers);
    expect(totals, 'the layer count never goes down').to.deep.equal([...totals].sort((a, b) => a - b));
    expect(totals.at(-1), 'all 3 layers known while pulling').to.equal(image.layers);
    const determinate = samples.filter((sample) => sample.state === 'determinate');
    const percents = determinate.map((s) => s.percent as number);
    expect(new Set(percents).size, `distinct percents while pulling (${percents.join(', ')})`).to.be.at.least(2);
    expect(percents, 'percent never goes down').to.deep.equal([...percents].sort((a, b) => a - b));
    expect(Math.max(...percents), 'no 100% before the engine says done').to.be.at.most(99);
    for (const s of determinate) {
      expect(s.label).to.equal(pulling);
      expect(s.valueNow, 'aria-valuenow goes with the words').to.equal(/^(\d+)%/.exec(s.meta)?.[1]);
      // Podman gives byte counts (the total exact once every layer has reported), speed, an ETA after 3 s, the layer.
      // After its last byte podman unpacks with no measure: the bar says so ("Unpacking…") rather than sit at a silent 99 %.
      expect(s.meta).to.match(/^\d+%( Unpacking…| Writing the image…)? [\d.]+ MB of ≥?[\d.]+ MB( [\d.]+ MB\/s)?( about \d+ sec left)? layer \d\/\d$/);
      expect(s.valueText).to.match(/^(downloaded )?\d+%,( (Unpacking|Writing the image)…?,)? [\d.]+ megabytes of (at least )?[\d.]+ megabytes(, [\d.]+ megabytes per second)?(, about \d+ seconds? left)?, layer \d of \d$/);
    }

    const done = bar.snapshot as PullSnapshot;
    expect(done).to.include({ state: 'completed', percent: 100, runtime: 'podman', job_id: started.job_id, total_layers: 3, layer: 3 });
    expect(done.bytes_done).to.equal(image.totalSize);
    expect(done.bytes_total).to.equal(image.totalSize);
    expect(stateOf(bar)).to.equal('completed');
    expect(text(part(bar, 'label'))).to.equal('Image ready');
    expect(text(part(bar, 'meta'))).to.match(/^([\d.]+ MB) of \1$/);
    expect(part(bar, 'track').getAttribute('aria-valuenow')).to.equal('100');
    expect(part(bar, 'track').getAttribute('aria-valuetext')).to.equal('complete, 100%');
    expect(text(shadow(bar).querySelector('[role=status]') as HTMLElement)).to.equal(`Image ${image.ref} is ready`);
    await expectAccessible(bar, 'completed on podman');

    // Events: one start with the job, progress at most 4 a second and never down, complete last.
    const [start, ...rest] = events.all;
    expect(start!.event).to.be.instanceOf(SlotPullStartEvent);
    expect((start!.event as SlotPullStartEvent).detail).to.include({ slot_name: SLOT, state: 'pulling', job_id: started.job_id });
    const progress = events.of('slot-pull-progress');
    expect(progress.length, 'progress events').to.be.at.least(2);
    for (const [i, p] of progress.entries()) {
      expect(p.event).to.be.instanceOf(SlotPullProgressEvent);
      const detail = (p.event as SlotPullProgressEvent).detail;
      expect(detail).to.include({ state: 'pulling', job_id: started.job_id });
      if (i === 0) continue;
      const before = progress[i - 1]!;
      // Measured when each event was made (its timeStamp), not when a listener ran: a busy page runs listeners late.
      expect(p.event.timeStamp - before.event.timeStamp, `gap before progress event ${i}`).to.be.at.least(249);
      expect(detail.percent ?? 0).to.be.at.least((before.event as SlotPullProgressEvent).detail.percent ?? 0);
    }
    expect(rest.at(-1)!.event).to.be.instanceOf(SlotPullCompleteEvent);
    expect((rest.at(-1)!.event as SlotPullCompleteEvent).detail).to.include({ state: 'completed', percent: 100, job_id: started.job_id });
    expect(events.of('slot-pull-start').length + events.of('slot-pull-complete').length).to.equal(2);
    expect(events.of('slot-pull-failed').length + events.of('slot-pull-cancelled').length).to.equal(0);
  });

  it('<slot-image-status> goes missing → pulling → present', async () => {
    const world = await realWorld();
    const chip = mountChip(world);
    await until(chip, () => statusOf(chip) === 'missing', 'missing');
    expect(chipLabel(chip)).to.equal('missing');

    const seen: { status: string | null; label: string }[] = [];
    const note = (): void => {
      const now = { status: statusOf(chip), label: chipLabel(chip) };
      if (now.status !== seen.at(-1)?.status || now.label !== seen.at(-1)?.label) seen.push(now);
    };
    const watcher = new MutationObserver(note);
    watcher.observe(chip, { attributes: true });
    watcher.observe(shadow(chip), { childList: true, subtree: true, characterData: true });
    note();
    await startPull(world);
    await until(chip, () => statusOf(chip) === 'present', 'present after the pull', PULL_MS);
    note();
    watcher.disconnect();

    expect(runs(seen.map((s) => s.status))).to.deep.equal(['missing', 'pulling', 'present']);
    const labels = seen.filter((s) => s.status === 'pulling').map((s) => s.label);
    for (const label of labels) expect(label).to.match(/^pulling( \d+%)?$/);
    const percents = labels.map((label) => /(\d+)%$/.exec(label)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    expect(percents.length, `labels with a percent (${labels.join(', ')})`).to.be.at.least(1);
    expect(percents).to.deep.equal([...percents].sort((a, b) => a - b));
    expect(chipLabel(chip)).to.equal('present');
    await expectAccessible(chip, 'present on podman');

    // Another app on the same engine, with no job, asks the engine itself.
    const other = await newWorld({ engine: 'podman' });
    const fresh = mountChip(other);
    await until(fresh, () => statusOf(fresh) === 'present', 'present, from an image inspect');
  });

  it('cancels a second pull with a real DELETE: "cancelled", the engine stops, the image stays missing', async () => {
    const world = await realWorld(CANCEL_RATE);
    const image = world.engine!.image;
    const bar = mountBar(world, 'cancelable');
    const chip = mountChip(world);
    await until([bar, chip], () => stateOf(bar) === 'missing' && statusOf(chip) === 'missing', 'missing');
    const started = await startPull(world);
    // Bytes are flowing: podman has reported some.
    await until(bar, () => stateOf(bar) === 'determinate', 'determinate', PULL_MS);
    expect(bar.snapshot!.percent).to.be.below(50);

    const requests: string[] = [];
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input instanceof Request ? input.url : input)}`);
      return realFetch(input, init);
    };
    try {
      const cancelled = nextEvent<SlotPullCancelledEvent>(bar, 'slot-pull-cancelled');
      part<HTMLButtonElement>(bar, 'cancel-button').click();
      await bar.updateComplete;
      expect(part<HTMLButtonElement>(bar, 'cancel-button').disabled).to.equal(true);
      expect(text(part(bar, 'cancel-button'))).to.equal('Cancelling…');
      const event = await cancelled;
      expect(event).to.be.instanceOf(SlotPullCancelledEvent);
      expect(event.detail).to.include({ state: 'cancelled', job_id: started.job_id, slot_name: SLOT });
    } finally {
      window.fetch = realFetch;
    }
    expect(requests).to.deep.equal([`DELETE ${world.base}/api/slots/${SLOT}/pull`]);
    await until([bar, chip], () => stateOf(bar) === 'cancelled' && statusOf(chip) === 'cancelled', 'cancelled');
    expect(text(part(bar, 'label'))).to.equal('Pull cancelled');
    expect(hasPart(bar, 'cancel-button')).to.equal(false);
    expect(chipLabel(chip)).to.equal('cancelled');
    await expectAccessible(bar, 'cancelled on podman');

    // The engine drops its registry requests, having fetched only part of the image …
    const idle = await world.control<RealProxyStats>('engine-idle');
    expect(idle.activeRequests).to.equal(0);
    expect(idle.bytes).to.be.above(0).and.below(image.totalSize);
    // … and has no image: an app that never saw the pull asks it.
    const other = await newWorld({ engine: 'podman' });
    const fresh = mountChip(other);
    await until(fresh, () => statusOf(fresh) === 'missing', 'missing, from an image inspect');
    const slot = (await (await other.api(`/api/slots/${SLOT}`)).json()) as { image_status: string };
    expect(slot.image_status).to.equal('missing');
  });

  it('shows the slot\'s container crashing within 5 s, live on the open stream, without a reload', async () => {
    const world = await newWorld({ engine: 'podman' });
    try {
      const chip = mountChip(world);
      const banner = fixture<SlotErrorBanner>(`<slot-error-banner slot-name="${SLOT}" base-url="${world.base}"></slot-error-banner>`);
      await containerStatus(world, 'absent');
      // A start: the container runs (podman pulls busybox from the local registry first).
      await world.control('run-container');
      await containerStatus(world, 'running');
      await banner.updateComplete;
      expect(banner.getAttribute('state')).to.equal('hidden');

      // A crash: it exits with code 3 by itself.
      await world.control('crash-container');
      const exited = performance.now();
      await until([chip, banner], () => banner.getAttribute('state') === 'crashed', 'the crash in the banner', CRASH_MS);
      const tookMs = performance.now() - exited;
      expect(text(part(banner, 'message'))).to.equal('Container slot-multi crashed: exited with code 3');
      expect(banner.snapshot).to.include({ container_status: 'crashed', container_error: 'exited with code 3' });
      expect(tookMs, `the crash showed after ${Math.round(tookMs)} ms`).to.be.below(CRASH_MS);
      expect(part(banner, 'message').parentElement!.getAttribute('role'), 'it appeared while the page was open').to.equal('alert');
    } finally {
      await world.control('remove-container');
    }
  });
});
