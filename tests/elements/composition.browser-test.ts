/**
 * The elements as the README puts them on a page — `<slot-image-status>`,
 * `<slot-image-pull-bar cancelable>` and `<slot-error-banner>` for one slot,
 * side by side — and `<slot-image-panel>`, which is the three in one tag:
 * each fact shows once (one bar, a problem in the banner only, one control
 * to start a pull), each change fires one event on the page, and a pull the
 * server lost is said to be interrupted.
 */
import { expect } from 'chai';
import '../../elements/index.ts';
import {
  SlotPullInterruptedEvent,
  type PullSnapshot,
  type SlotErrorBanner,
  type SlotImagePanel,
  type SlotImagePullBar,
  type SlotImageStatus,
} from '../../elements/index.ts';
import { cleanup, expectAccessible, fixture, hasPart, newWorld, nextEvent, part, record, shadow, text, until, type World } from './support/harness.ts';

const PULL_EVENTS = ['slot-pull-start', 'slot-pull-progress', 'slot-pull-complete', 'slot-pull-failed', 'slot-pull-cancelled', 'slot-pull-interrupted'];
const CHAT_IMAGE = 'ghcr.io/acme/llama-server:vulkan';

interface Snippet {
  chip: SlotImageStatus;
  bar: SlotImagePullBar;
  banner: SlotErrorBanner;
  all: HTMLElement[];
}

/** The README's three elements for `slot`, as written there. */
function readmeSnippet(world: World, slot: string): Snippet {
  const holder = fixture(`<div>
    <slot-image-status slot-name="${slot}" base-url="${world.base}"></slot-image-status>
    <slot-image-pull-bar slot-name="${slot}" base-url="${world.base}" cancelable></slot-image-pull-bar>
    <slot-error-banner slot-name="${slot}" base-url="${world.base}"></slot-error-banner>
  </div>`);
  const [chip, bar, banner] = [...holder.children] as [SlotImageStatus, SlotImagePullBar, SlotErrorBanner];
  return { chip, bar, banner, all: [chip, bar, banner] };
}

const shown = (element: Element): boolean => getComputedStyle(element).display !== 'none';

/** Every element under `root`, through open shadow roots. */
function deepAll(root: ParentNode): Element[] {
  const found: Element[] = [];
  for (const element of root.querySelectorAll('*')) {
    found.push(element);
    if (element.shadowRoot !== null) found.push(...deepAll(element.shadowRoot));
  }
  return found;
}

/** Progress bars a person sees: a shown `<slot-image-pull-bar>` with its track, anywhere on the page. */
const visibleBars = (): Element[] =>
  deepAll(document).filter((el) => el.localName === 'slot-image-pull-bar' && shown(el) && el.shadowRoot?.querySelector('[part~="track"]'));

/** Buttons a person sees that start a pull (Pull, Re-pull, Retry), anywhere on the page. */
const startButtons = (): string[] =>
  deepAll(document)
    .filter((el) => el.matches('[part~="pull-button"], [part~="retry-button"], [part~="repull-button"]'))
    .filter((el) => (el.getRootNode() as ShadowRoot).host !== undefined && shown((el.getRootNode() as ShadowRoot).host))
    .map((el) => text(el));

describe('composition', () => {
  afterEach(cleanup);

  it('the README snippet: Pull where the image is missing, one bar and no banner during a pull, one event per change', async () => {
    const world = await newWorld({ speed: 10 });
    const { chip, bar, banner, all } = readmeSnippet(world, 'chat');
    await until(all, () => bar.getAttribute('state') === 'missing' && chip.getAttribute('status') === 'missing', 'the image missing');
    await banner.updateComplete;
    expect(banner.getAttribute('state'), 'a missing image is no problem').to.equal('hidden');
    expect(startButtons()).to.deep.equal(['Pull']);
    await expectAccessible(bar.parentElement!, 'the snippet, missing');

    const events = record(document, PULL_EVENTS);
    const bars: number[] = [];
    const banners: (string | null)[] = [];
    const observer = new MutationObserver(() => {
      bars.push(visibleBars().length);
      banners.push(banner.getAttribute('state'));
    });
    for (const element of all) observer.observe(element, { attributes: true });
    observer.observe(shadow(bar), { subtree: true, childList: true, attributes: true });
    part<HTMLButtonElement>(bar, 'pull-button').click();
    await until(all, () => bar.getAttribute('state') === 'determinate', 'a determinate bar');
    expect(visibleBars()).to.deep.equal([bar]);
    await nextEvent(document, 'slot-pull-complete');
    observer.disconnect();
    events.stop();

    expect(Math.max(...bars), 'bars on screen at once').to.equal(1);
    expect(new Set(banners), 'the banner during a normal pull').to.deep.equal(new Set(['hidden']));
    const types = events.all.map((r) => r.event.type);
    expect(types.filter((type) => type === 'slot-pull-start'), 'one start').to.have.length(1);
    expect(types.filter((type) => type === 'slot-pull-complete'), 'one complete').to.have.length(1);
    expect(types.at(-1)).to.equal('slot-pull-complete');
    const progress = events.of('slot-pull-progress').map((r) => r.event as CustomEvent<PullSnapshot>);
    expect(progress.length).to.be.at.least(1);
    expect(new Set(progress.map((event) => event.detail)).size, 'no change told twice').to.equal(progress.length);
    // The bar speaks for the slot: every event comes from it.
    expect(new Set(events.all.map((r) => r.event.target))).to.deep.equal(new Set([bar]));
    expect(chip.getAttribute('status')).to.equal('present');
  });

  it('a failed pull: the banner says it with one Re-pull, the bar stands back, and the Re-pull shows in the bar only', async () => {
    const world = await newWorld({ speed: 10 });
    const { chip, bar, banner, all } = readmeSnippet(world, 'vision');
    await until(all, () => bar.getAttribute('state') === 'missing', 'the image missing');
    const events = record(document, PULL_EVENTS);
    await world.api('/api/slots/vision/pull', { method: 'POST' });
    await until(all, () => banner.getAttribute('state') === 'failed' && bar.getAttribute('state') === 'failed', 'failed');
    await bar.updateComplete;
    expect(bar.hasAttribute('deferred')).to.equal(true);
    expect(shown(bar), 'the bar beside a banner that says it').to.equal(false);
    expect(chip.getAttribute('status')).to.equal('failed');
    expect(startButtons(), 'Retry or Re-pull, not both').to.deep.equal(['Re-pull']);
    expect(events.of('slot-pull-failed')).to.have.length(1);

    part<HTMLButtonElement>(banner, 'repull-button').click();
    await until(all, () => ['indeterminate', 'determinate'].includes(bar.getAttribute('state') ?? ''), 'the bar pulling again');
    await banner.updateComplete;
    expect(banner.getAttribute('state'), 'the pull is the bar\'s to show').to.equal('hidden');
    expect(shadow(banner).querySelector('slot-image-pull-bar'), 'no inline bar beside a bar').to.equal(null);
    expect(visibleBars()).to.deep.equal([bar]);
    await nextEvent(document, 'slot-pull-complete');
    events.stop();
    expect(events.all.map((r) => r.event.type).filter((type) => type !== 'slot-pull-progress')).to.deep.equal([
      'slot-pull-start',
      'slot-pull-failed',
      'slot-pull-start',
      'slot-pull-complete',
    ]);
  });

  it('a dismissed banner leaves the failure to the bar, quietly, with its Retry', async () => {
    const world = await newWorld({ speed: 10, slots: { slots: [{ name: 'nope', provider: 'container', image: 'ghcr.io/acme/nope:1' }] } });
    const { bar, banner, all } = readmeSnippet(world, 'nope');
    await until(all, () => bar.getAttribute('state') === 'missing', 'the image missing');
    await world.api('/api/slots/nope/pull', { method: 'POST' });
    await until(all, () => banner.getAttribute('state') === 'failed' && bar.hasAttribute('deferred'), 'the failure in the banner');
    part<HTMLButtonElement>(banner, 'dismiss-button').click();
    await until(all, () => banner.getAttribute('state') === 'hidden' && !bar.hasAttribute('deferred'), 'the banner dismissed');
    expect(shown(bar)).to.equal(true);
    expect(text(part(bar, 'label'))).to.match(/^Pull failed: manifest for ghcr\.io\/acme\/nope:1 not found/);
    expect(startButtons()).to.deep.equal(['Retry']);
  });

  it('<slot-image-panel>: the three in one tag, parts forwarded, each change told once', async () => {
    const world = await newWorld({ speed: 10 });
    const panel = fixture<SlotImagePanel>(`<slot-image-panel slot-name="chat" base-url="${world.base}" cancelable></slot-image-panel>`);
    const style = fixture<HTMLStyleElement>('<style>slot-image-panel::part(bar-label) { color: rgb(1, 2, 3) }</style>');
    await panel.updateComplete;
    const chip = part<SlotImageStatus>(panel, 'status');
    const bar = part<SlotImagePullBar>(panel, 'bar');
    const banner = part<SlotErrorBanner>(panel, 'banner');
    expect([chip.localName, bar.localName, banner.localName]).to.deep.equal(['slot-image-status', 'slot-image-pull-bar', 'slot-error-banner']);
    expect(bar.hasAttribute('cancelable')).to.equal(true);
    await until(panel, () => bar.getAttribute('state') === 'missing' && chip.getAttribute('status') === 'missing', 'the image missing');
    expect(getComputedStyle(part(bar, 'label')).color, 'bar-label styled through the panel').to.equal('rgb(1, 2, 3)');
    expect(banner.getAttribute('state')).to.equal('hidden');
    await expectAccessible(panel, 'the panel, missing');

    const events = record(document, PULL_EVENTS);
    part<HTMLButtonElement>(bar, 'pull-button').click();
    await until(panel, () => bar.getAttribute('state') === 'determinate', 'pulling');
    expect(text(part(bar, 'cancel-button'))).to.equal('Cancel (also stops code)');
    expect(visibleBars()).to.deep.equal([bar]);
    await nextEvent(document, 'slot-pull-complete');
    events.stop();
    const types = events.all.map((r) => r.event.type);
    expect([types.filter((t) => t === 'slot-pull-start').length, types.filter((t) => t === 'slot-pull-complete').length]).to.deep.equal([1, 1]);
    // Out of the panel's shadow root, the events come from the panel.
    expect(new Set(events.all.map((r) => r.event.target))).to.deep.equal(new Set([panel]));
    style.remove();
  });

  it('a pull the server lost (it restarted) is "interrupted", with its event, not "Image not pulled yet"', async () => {
    const world = await newWorld({ speed: 2 });
    const { chip, bar, banner, all } = readmeSnippet(world, 'chat');
    // code shares chat's image and pull; it has a bar alone, with no banner beside it.
    const lone = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="code" base-url="${world.base}"></slot-image-pull-bar>`);
    await until([...all, lone], () => bar.getAttribute('state') === 'missing' && lone.getAttribute('state') === 'missing', 'missing');
    await world.api('/api/slots/chat/pull', { method: 'POST' });
    await until([bar, lone], () => bar.getAttribute('state') === 'determinate' && lone.getAttribute('state') === 'determinate', 'pulling');
    const lastSeen = bar.snapshot as PullSnapshot;
    const events = record(document, PULL_EVENTS);

    await world.control('restart');
    await until(
      [...all, lone],
      () => banner.getAttribute('state') === 'interrupted' && lone.getAttribute('state') === 'interrupted',
      'interrupted, once the stream is back (the browser retries after 3 s)',
    );
    events.stop();
    await Promise.all([bar.updateComplete, banner.updateComplete, chip.updateComplete]);
    const message = `Pull of image ${CHAT_IMAGE} was interrupted: the server lost track of it`;
    expect(text(part(banner, 'message'))).to.equal(message);
    expect(text(part(banner, 'repull-button'))).to.equal('Re-pull');
    expect([bar.getAttribute('state'), bar.hasAttribute('deferred')], 'the banner says it for chat').to.deep.equal(['interrupted', true]);
    expect(chip.getAttribute('status')).to.equal('interrupted');
    expect(text(part(lone, 'label'))).to.equal('Pull interrupted: the server lost track of it');
    expect(text(part(lone, 'retry-button'))).to.equal('Retry');
    expect(bar.snapshot).to.include({ state: 'missing', job_id: null });
    await expectAccessible(banner, 'interrupted');

    // One event per slot and change: chat's from its bar, code's from its own.
    const interrupted = events.of('slot-pull-interrupted').map((r) => r.event as SlotPullInterruptedEvent);
    expect(interrupted.map((event) => [event.detail.slot_name, event.target])).to.deep.equal([
      ['chat', bar],
      ['code', lone],
    ]);
    expect(interrupted[0]).to.be.instanceOf(SlotPullInterruptedEvent);
    expect(interrupted[0]!.detail).to.include({ job_id: lastSeen.job_id, state: 'pulling' });
    expect(events.all.filter((r) => r.event.type !== 'slot-pull-interrupted' && r.event.type !== 'slot-pull-progress')).to.have.length(0);

    // A new pull ends it.
    part<HTMLButtonElement>(lone, 'retry-button').click();
    await until([...all, lone], () => bar.getAttribute('state') !== 'interrupted' && banner.getAttribute('state') === 'hidden', 'pulling again');
    expect(hasPart(bar, 'retry-button')).to.equal(false);
  });
});
