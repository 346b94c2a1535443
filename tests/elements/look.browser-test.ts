/// <reference path="../demo/support/visual-regression.d.ts" />
/**
 * How the elements look on any page (issue 15): light and dark by the page's
 * color-scheme, forced colors, narrow containers, image references that
 * wrap only at / : @ and keep their order in a right-to-left page; axe on
 * each, and a picture of each next to the baselines of tests/demo/screenshots
 * (SLOTPULL_UPDATE_SCREENSHOTS=1 writes new ones; look at them first).
 */
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import { visualDiff } from '@web/test-runner-visual-regression';
import { expect } from 'chai';
import '../../elements/index.ts';
import type { SlotErrorBanner, SlotImagePullBar, SlotImageStatus } from '../../elements/index.ts';
import { cleanup, expectAccessible, fixture, newWorld, part, shadow, until, type World } from './support/harness.ts';

/** Not in the demo registry: its pull fails, and the banner says the reference twice ("manifest for … not found"). */
const REF = 'ghcr.io/acme/llama-server:0.9';
const NOT_FOUND = `manifest for ${REF} not found: manifest unknown: manifest unknown`;
const SLOTS = {
  slots: [
    { name: 'chat', provider: 'container', image: 'ghcr.io/acme/llama-server:vulkan' },
    { name: 'llama', provider: 'container', image: REF },
  ],
};

/** WCAG's contrast minimum for text, and for the parts of a control or a graphic. */
const TEXT_CONTRAST = 4.5;
const GRAPHIC_CONTRAST = 3;

interface Snippet {
  frame: HTMLElement;
  chip: SlotImageStatus;
  bar: SlotImagePullBar;
  failedChip: SlotImageStatus;
  banner: SlotErrorBanner;
}

/**
 * The README's three elements, twice: chat's image not pulled yet (chip and
 * bar with Pull; its banner hidden) and llama's failed pull (chip, and the
 * banner with Re-pull and Dismiss; its bar defers to the banner).
 */
async function snippet(world: World, frameStyle: string, attributes = ''): Promise<Snippet> {
  const frame = fixture(`<div class="frame" style="font-family: sans-serif; padding: 12px; background: Canvas; color: CanvasText; ${frameStyle}" ${attributes}>
    <slot-image-status slot-name="chat" base-url="${world.base}"></slot-image-status>
    <slot-image-pull-bar slot-name="chat" base-url="${world.base}" cancelable></slot-image-pull-bar>
    <slot-error-banner slot-name="chat" base-url="${world.base}"></slot-error-banner>
    <hr>
    <slot-image-status slot-name="llama" base-url="${world.base}"></slot-image-status>
    <slot-image-pull-bar slot-name="llama" base-url="${world.base}" cancelable></slot-image-pull-bar>
    <slot-error-banner slot-name="llama" base-url="${world.base}"></slot-error-banner>
  </div>`);
  const [chip, failedChip] = frame.querySelectorAll<SlotImageStatus>('slot-image-status');
  const bar = frame.querySelector<SlotImagePullBar>('slot-image-pull-bar')!;
  const banner = frame.querySelectorAll<SlotErrorBanner>('slot-error-banner')[1]!;
  await until([chip!, bar], () => chip!.getAttribute('status') === 'missing' && bar.getAttribute('state') === 'missing', 'chat missing');
  return { frame, chip: chip!, bar, failedChip: failedChip!, banner };
}

/** Makes llama's pull fail, and waits for its banner. */
async function failLlama(world: World, s: Snippet): Promise<void> {
  await until([s.banner, s.failedChip], () => s.failedChip.getAttribute('status') === 'missing' && s.banner.snapshot?.state === 'missing', 'llama known');
  await world.api('/api/slots/llama/pull', { method: 'POST' });
  await until([s.banner, s.failedChip], () => s.banner.getAttribute('state') === 'failed' && s.failedChip.getAttribute('status') === 'failed', 'llama failed');
  await s.banner.updateComplete;
}

type Rgba = [number, number, number, number];

/** A computed color as sRGB 0–255 and alpha (Chromium computes colors as rgb() or rgba()). */
function rgba(color: string): Rgba {
  const match = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:[,/] ?([\d.]+))?\)$/.exec(color);
  if (match === null) throw new Error(`not an rgb() color: ${color}`);
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? 1 : Number(match[4])];
}

const luminance = ([r, g, b]: Rgba): number => {
  const channel = (c: number): number => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
};

function contrast(a: Rgba, b: Rgba): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** The parent in the flat tree: a shadow root's host. */
const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as Partial<ShadowRoot>).host ?? null);

/** The first opaque background behind `el` (the frame paints Canvas). */
function backgroundOf(el: Element): Rgba {
  for (let at: Element | null = el; at !== null; at = parentOf(at)) {
    const color = rgba(getComputedStyle(at).backgroundColor);
    if (color[3] === 1) return color;
  }
  throw new Error(`nothing opaque behind <${el.localName}>`);
}

/** The contrast of an element's text with what is behind it. */
const textContrast = (el: Element): number => contrast(rgba(getComputedStyle(el).color), backgroundOf(el));

function expectLegible(els: Record<string, Element>, scheme: string): void {
  for (const [name, el] of Object.entries(els)) {
    expect(textContrast(el), `${name} text on a ${scheme} page`).to.be.at.least(TEXT_CONTRAST);
  }
}

/** The texts of a snippet with chat missing and llama failed. */
const texts = (s: Snippet): Record<string, Element> => ({
  'chat chip': part(s.chip, 'label'),
  'chat bar label': part(s.bar, 'label'),
  'chat Pull': part(s.bar, 'pull-button'),
  'llama chip': part(s.failedChip, 'label'),
  'llama banner message': part(s.banner, 'message'),
  'llama Re-pull': part(s.banner, 'repull-button'),
  'llama Dismiss': part(s.banner, 'dismiss-button'),
});

/** The dot and border of a chip against what is behind it. */
const chipContrast = (chip: Element): number => contrast(rgba(getComputedStyle(part(chip, 'indicator')).backgroundColor), backgroundOf(part(chip, 'base')));

/** The characters of the image references an element renders: each with the box it is drawn in (its last, if split). */
function refCharacters(el: Element): { char: string; box: DOMRect }[][] {
  return [...shadow(el).querySelectorAll('bdi')].map((bdi) => {
    const chars: { char: string; box: DOMRect }[] = [];
    const walker = document.createTreeWalker(bdi, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node !== null; node = walker.nextNode() as Text | null) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        chars.push({ char: node.data[i]!, box: rects[rects.length - 1]! });
      }
    }
    return chars;
  });
}

/** Where a reference's lines end: the character before each break. */
function breaksOf(chars: { char: string; box: DOMRect }[]): string[] {
  const ends: string[] = [];
  for (let i = 1; i < chars.length; i++) if (chars[i]!.box.top > chars[i - 1]!.box.top + 1) ends.push(chars.slice(0, i).map((c) => c.char).join(''));
  return ends;
}

/** Nothing of the frame or the elements' parts is wider than its box. */
function expectNoOverflow(s: Snippet, width: number): void {
  const boxes: [string, Element][] = [
    ['frame', s.frame],
    ['chat bar base', part(s.bar, 'base')],
    ['chat chip', s.chip],
    ['llama banner base', part(s.banner, 'base')],
    ['llama banner message', part(s.banner, 'message')],
  ];
  for (const [name, el] of boxes) expect(el.scrollWidth, `${name} at ${width} px: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`).to.be.at.most(el.clientWidth);
}

describe('the look of the elements on any page', () => {
  before(() => emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' }));
  afterEach(() => {
    cleanup();
    document.documentElement.style.colorScheme = '';
  });
  after(() => emulateMedia({ colorScheme: 'light' }));

  it('is legible on a light page in its own colors, and takes the page font and text color', async () => {
    const world = await newWorld({ slots: SLOTS });
    const s = await snippet(world, 'width: 480px; color: rgb(20, 30, 40); font-family: serif');
    await failLlama(world, s);
    expectLegible(texts(s), 'light');
    expect(chipContrast(s.failedChip), 'failed chip dot').to.be.at.least(GRAPHIC_CONTRAST);
    expect(getComputedStyle(part(s.bar, 'label')).color).to.equal('rgb(20, 30, 40)');
    expect(getComputedStyle(part(s.chip, 'label')).color).to.equal('rgb(20, 30, 40)');
    expect(getComputedStyle(part(s.bar, 'label')).fontFamily).to.equal('serif');
    await expectAccessible(s.frame, 'a light page');
    await visualDiff(s.frame, 'elements-light');
  });

  it('turns dark on a page with color-scheme: dark, by itself', async () => {
    const world = await newWorld({ slots: SLOTS });
    document.documentElement.style.colorScheme = 'dark';
    const s = await snippet(world, 'width: 480px');
    await failLlama(world, s);
    // The page's own text color: Chromium's dark CanvasText.
    expect(luminance(rgba(getComputedStyle(part(s.bar, 'label')).color))).to.be.greaterThan(0.8);
    // The banner paints its own dark surface, not the light one.
    expect(luminance(backgroundOf(part(s.banner, 'message')))).to.be.lessThan(0.05);
    expectLegible(texts(s), 'dark');
    expect(chipContrast(s.failedChip), 'failed chip dot').to.be.at.least(GRAPHIC_CONTRAST);
    expect(contrast(rgba(getComputedStyle(part(s.bar, 'pull-button')).borderTopColor), backgroundOf(part(s.bar, 'pull-button'))), 'Pull border').to.be.at.least(GRAPHIC_CONTRAST);
    await expectAccessible(s.frame, 'a dark page');
    await visualDiff(s.frame, 'elements-dark');
  });

  it('turns dark on a page with color-scheme: light dark in a dark system', async () => {
    const world = await newWorld({ slots: SLOTS });
    document.documentElement.style.colorScheme = 'light dark';
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const s = await snippet(world, 'width: 480px');
      await failLlama(world, s);
      expect(luminance(backgroundOf(part(s.banner, 'message')))).to.be.lessThan(0.05);
      expectLegible(texts(s), 'dark (system)');
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('keeps the running pull legible on a dark page: label, words under the track, Cancel, track', async () => {
    const world = await newWorld({ slots: SLOTS, speed: 0.2 });
    document.documentElement.style.colorScheme = 'dark';
    const s = await snippet(world, 'width: 480px');
    await world.api('/api/slots/chat/pull', { method: 'POST' });
    await until(s.bar, () => s.bar.getAttribute('state') === 'determinate' && part(s.bar, 'meta').textContent!.trim() !== '', 'chat pulling, with words');
    expectLegible({ label: part(s.bar, 'label'), meta: part(s.bar, 'meta'), Cancel: part(s.bar, 'cancel-button'), chip: part(s.chip, 'label') }, 'dark');
    const indicator = rgba(getComputedStyle(part(s.bar, 'indicator')).backgroundColor);
    expect(contrast(indicator, backgroundOf(s.frame)), 'indicator').to.be.at.least(GRAPHIC_CONTRAST);
    expect(contrast(indicator, rgba(getComputedStyle(part(s.bar, 'track')).backgroundColor)), 'indicator on the track').to.be.at.least(GRAPHIC_CONTRAST);
  });

  it('lets every --slotpull-* property win over both palettes', async () => {
    const world = await newWorld({ slots: SLOTS });
    document.documentElement.style.colorScheme = 'dark';
    const s = await snippet(
      world,
      'width: 480px; --slotpull-color-text: rgb(1, 2, 3); --slotpull-color-danger: rgb(4, 5, 6); --slotpull-color-danger-surface: rgb(7, 8, 9); --slotpull-color-danger-text: rgb(10, 11, 12); --slotpull-color-warning: rgb(13, 14, 15)',
    );
    await failLlama(world, s);
    expect(getComputedStyle(part(s.bar, 'label')).color).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(part(s.chip, 'indicator')).backgroundColor).to.equal('rgb(13, 14, 15)');
    expect(getComputedStyle(part(s.failedChip, 'indicator')).backgroundColor).to.equal('rgb(4, 5, 6)');
    expect(getComputedStyle(part(s.banner, 'base')).backgroundColor).to.equal('rgb(7, 8, 9)');
    expect(getComputedStyle(part(s.banner, 'message')).color).to.equal('rgb(10, 11, 12)');
    expect(getComputedStyle(part(s.banner, 'base')).borderTopColor).to.equal('rgb(4, 5, 6)');
  });

  it('stays legible in forced-colors mode, light or dark', async () => {
    const world = await newWorld({ slots: SLOTS });
    document.documentElement.style.colorScheme = 'dark';
    const s = await snippet(world, 'width: 480px');
    await failLlama(world, s);
    await executeServerCommand('emulate-forced-colors', { active: true });
    try {
      expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
      expectLegible(texts(s), 'forced-colors');
      const button = getComputedStyle(part(s.banner, 'dismiss-button'));
      expect(contrast(rgba(button.borderTopColor), backgroundOf(part(s.banner, 'dismiss-button'))), 'Dismiss border').to.be.at.least(GRAPHIC_CONTRAST);
      expect(chipContrast(s.failedChip), 'chip dot').to.be.at.least(GRAPHIC_CONTRAST);
    } finally {
      await executeServerCommand('emulate-forced-colors', { active: false });
    }
  });

  for (const width of [280, 360]) {
    it(`fits a ${width} px container: the banner's message keeps the width, its buttons go under it, nothing overflows`, async () => {
      const world = await newWorld({ slots: SLOTS });
      const s = await snippet(world, `width: ${width}px; box-sizing: border-box`);
      await failLlama(world, s);
      const base = part(s.banner, 'base').getBoundingClientRect();
      const message = part(s.banner, 'message').getBoundingClientRect();
      const actions = part(s.banner, 'actions').getBoundingClientRect();
      expect(message.width / base.width, `message ${message.width} px of ${base.width} px`).to.be.at.least(0.6);
      expect(actions.top, 'buttons under the message').to.be.at.least(message.bottom - 1);
      // The bar's Pull goes under its label in a container under 20rem, and stays beside it at 360 px.
      const [pull, label] = [part(s.bar, 'actions').getBoundingClientRect(), part(s.bar, 'label').getBoundingClientRect()];
      if (width === 280) expect(pull.top, 'Pull under the label').to.be.at.least(label.bottom - 1);
      else expect(pull.top, 'Pull beside the label').to.be.below(label.bottom);
      expectNoOverflow(s, width);
      for (const [name, el] of [
        ['banner', s.banner],
        ['bar', s.bar],
      ] as const) {
        for (const ref of refCharacters(el)) {
          const breaks = breaksOf(ref);
          for (const line of breaks) expect(line, `${name}: a reference's line ends after / : or @`).to.match(/[/:@]$/);
        }
      }
      // The reference does not fit the message's width: it breaks, at a / : or @ only.
      const refs = refCharacters(s.banner);
      expect(refs.length, 'references in the message').to.equal(2);
      expect(refs.some((ref) => breaksOf(ref).length > 0), 'a reference broken across lines').to.equal(true);
      if (width === 360) {
        await expectAccessible(s.frame, 'a 360 px container');
        await visualDiff(s.frame, 'elements-360');
      }
    });
  }

  it('isolates the image reference in the bar, and wraps it only after / : @', async () => {
    const world = await newWorld({ slots: SLOTS });
    // Without a banner on the page, the bar says the failure itself.
    const bar = fixture<SlotImagePullBar>(`<div style="width: 280px"><slot-image-pull-bar slot-name="llama" base-url="${world.base}"></slot-image-pull-bar></div>`)
      .firstElementChild as SlotImagePullBar;
    await until(bar, () => bar.getAttribute('state') === 'missing', 'llama missing');
    await world.api('/api/slots/llama/pull', { method: 'POST' });
    await until(bar, () => bar.getAttribute('state') === 'failed', 'the llama bar failed');
    const bdis = [...shadow(bar).querySelectorAll('bdi')];
    expect(bdis.map((bdi) => bdi.textContent)).to.deep.equal([REF]); // "Pull failed: manifest for <ref> not found…"
    expect(getComputedStyle(bdis[0]!).unicodeBidi).to.equal('isolate');
    // Its pieces, each whole; a <wbr> after each / : @.
    expect([...bdis[0]!.querySelectorAll('span')].map((span) => span.textContent)).to.deep.equal(['ghcr.io/', 'acme/', 'llama-server:', '0.9']);
    expect(bdis[0]!.querySelectorAll('wbr').length).to.equal(3);
    for (const ref of refCharacters(bar)) for (const line of breaksOf(ref)) expect(line).to.match(/[/:@]$/);
    // Assistive technology reads the reference whole: no space at a <wbr>.
    const tree = (await executeServerCommand('a11y-tree')) as { role: string; name: string }[];
    expect(tree.filter((node) => node.role === 'progressbar').map((node) => node.name)).to.deep.equal([`Pull failed: ${NOT_FOUND}`]);
  });

  it('keeps the order of an image reference on a right-to-left page', async () => {
    const world = await newWorld({ slots: SLOTS });
    const s = await snippet(world, 'width: 480px', 'dir="rtl" lang="ar"');
    await failLlama(world, s);
    const [ref] = refCharacters(s.banner);
    expect(ref!.map((c) => c.char).join('')).to.equal(REF);
    // On each line, the reference reads left to right in its own order.
    for (let i = 1; i < ref!.length; i++) {
      const [before, after] = [ref![i - 1]!, ref![i]!];
      if (Math.abs(after.box.top - before.box.top) < 1) expect(after.box.left, `"${after.char}" after "${before.char}"`).to.be.greaterThan(before.box.left);
    }
    // The page's direction lays the banner out: its icon on the right.
    expect(part(s.banner, 'icon').getBoundingClientRect().left).to.be.greaterThan(part(s.banner, 'message').getBoundingClientRect().left);
    await expectAccessible(s.frame, 'a right-to-left page');
    await visualDiff(s.frame, 'elements-rtl');
  });
});
