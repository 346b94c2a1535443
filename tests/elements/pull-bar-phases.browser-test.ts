import { expect } from 'chai';
import { slotHub, type PullSnapshot, type SlotImagePullBar } from '../../elements/index.ts';
import { installFakeClock, type FakeClock } from './support/fake-clock.ts';
import { cleanup, fixture, newWorld, part, text, until } from './support/harness.ts';

/** The words under a bar take the newest frame at the page's next beat: within this, whenever it is asked (WORDS_INTERVAL_MS and a little). */
const WORDS_CATCH_UP_MS = 1100;
/** --slotpull-color-muted's default. */
const MUTED = 'rgb(75, 85, 99)';

/**
 * The bar past the download (unpacking, writing the image) and stuck in it
 * (no data): a real pull on the demo runtime, held, then frames of its job
 * that say so, offered to the hub as the stream would bring them.
 */
describe('<slot-image-pull-bar> phases', () => {
  let clock: FakeClock;
  let bar: SlotImagePullBar;
  let held: PullSnapshot;
  let frames = 0;

  beforeEach(async () => {
    clock = installFakeClock();
    const world = await newWorld({ speed: 1 });
    bar = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="vision" base-url="${world.base}"></slot-image-pull-bar>`);
    await until(bar, () => bar.getAttribute('state') !== 'connecting', 'the first snapshot');
    expect((await world.api('/api/slots/vision/pull', { method: 'POST' })).status, 'POST …/pull').to.equal(202);
    await until(bar, () => bar.getAttribute('state') === 'determinate', 'a running pull');
    await world.control('pause-engine');
    held = bar.snapshot as PullSnapshot;
  });

  afterEach(() => {
    clock.uninstall();
    cleanup();
  });

  /** A newer frame of the held job with `changes`, and the words caught up with it. */
  async function show(changes: Partial<PullSnapshot>): Promise<void> {
    frames += 1;
    const updatedAt = new Date(Date.parse(held.updated_at as string) + frames * 1000).toISOString();
    slotHub().offer(bar.base as string, { ...held, ...changes, updated_at: updatedAt });
    await clock.tick(WORDS_CATCH_UP_MS);
    await bar.updateComplete;
  }

  const meta = (): string => text(part(bar, 'meta'));
  const valueText = (): string => part(bar, 'track').getAttribute('aria-valuetext') as string;
  const unpackShown = (): HTMLElement | null => bar.shadowRoot!.querySelector('[part="unpack-indicator"]');
  const unpacking = { phase: 'extracting', percent: 99, speed_bps: null, stalled_s: null } as const;

  it('fills the track again with the share unpacked, over the faded download, and says both', async () => {
    await show({ ...unpacking, extract_percent: 41, extract_seconds: null, layer: 2, total_layers: 3 });
    expect(meta()).to.match(/^99% Unpacking layer 2 of 3 · 41% /);
    expect(valueText()).to.match(/^downloaded 99%, Unpacking layer 2 of 3, 41%, /);
    expect(part(bar, 'track').getAttribute('aria-valuenow'), 'aria-valuenow stays the download').to.equal('99');
    expect(unpackShown()?.style.getPropertyValue('--_value')).to.equal('41%');
    expect(getComputedStyle(part(bar, 'indicator')).opacity).to.equal('0.35');
  });

  it('says how long it has unpacked where the engine counts seconds, with a sweep', async () => {
    await show({ ...unpacking, extract_percent: null, extract_seconds: 12 });
    expect(meta()).to.match(/^99% Unpacking · 12 sec /);
    expect(valueText()).to.match(/^downloaded 99%, Unpacking, 12 seconds, /);
    expect(unpackShown()?.hasAttribute('style'), 'no share to show').to.equal(false);
    expect(unpackShown()?.getAnimations().length, 'the sweep').to.equal(1);
  });

  it('says "Unpacking…" with a sweep and no number where the engine tells nothing of it', async () => {
    await show({ ...unpacking, extract_percent: null, extract_seconds: null });
    expect(meta()).to.match(/^99% Unpacking… /);
    expect(valueText()).to.match(/^downloaded 99%, Unpacking…, /);
    expect(unpackShown()?.getAnimations().length, 'the sweep').to.equal(1);
  });

  it('says how long no data came, in muted colour, and promises no ETA', async () => {
    await show({ phase: 'downloading', stalled_s: 21.7, eta_s: 30 });
    expect(meta()).to.contain('No data for 20 sec');
    expect(meta()).not.to.contain('left');
    expect(valueText()).to.contain('No data for 20 seconds');
    expect(getComputedStyle(part(bar, 'indicator')).backgroundColor).to.equal(MUTED);
    expect(unpackShown()).to.equal(null);
    // Data again: the bar is a download bar again, ETA and all.
    await show({ phase: 'downloading', stalled_s: null, eta_s: 30 });
    expect(meta()).not.to.contain('No data');
    expect(meta()).to.contain('about 30 sec left');
    expect(getComputedStyle(part(bar, 'indicator')).backgroundColor).not.to.equal(MUTED);
  });

  it('never sits at a silent 99%: it says the image is being written', async () => {
    await show({ phase: 'downloading', percent: 98.5, stalled_s: null });
    expect(meta()).not.to.contain('Writing');
    await show({ phase: 'downloading', percent: 99, stalled_s: null });
    expect(meta()).to.match(/^99% Writing the image… /);
    await show({ phase: 'finalizing', percent: 99, stalled_s: null });
    expect(valueText()).to.match(/^downloaded 99%, Writing the image…, /);
  });
});
