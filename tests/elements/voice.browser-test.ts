/**
 * One voice per slot and numbers in step (issue 15). The README's three
 * elements — and a `<slot-image-panel>` of the same slot beside them — as
 * Chromium's accessibility tree shows them to a screen reader: one
 * progressbar and one polite region per slot, buttons that say their slot,
 * a failure said once. Elements of one slot (and of slots that share a
 * pull) show the same numbers in every painted frame.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../../elements/index.ts';
import type { SlotErrorBanner, SlotImagePanel, SlotImagePullBar, SlotImageStatus } from '../../elements/index.ts';
import { cleanup, fixture, newWorld, nextEvent, part, shadow, text, until, type World } from './support/harness.ts';

const CHAT_IMAGE = 'ghcr.io/acme/llama-server:vulkan';
const VISION_IMAGE = 'ghcr.io/acme/vision-server:0.9';

/** A node of Chromium's accessibility tree (support/voice-commands.mjs). */
interface AxNode {
  role: string;
  name: string;
  /** The politeness of a live region's root; null elsewhere. */
  live: string | null;
  text: string;
}

const a11yTree = (): Promise<AxNode[]> => executeServerCommand('a11y-tree') as Promise<AxNode[]>;
const progressbars = (tree: AxNode[]): AxNode[] => tree.filter((node) => node.role === 'progressbar');
const liveRegions = (tree: AxNode[], politeness: string): AxNode[] => tree.filter((node) => node.live === politeness);

interface Snippet {
  chip: SlotImageStatus;
  bar: SlotImagePullBar;
  banner: SlotErrorBanner;
  all: HTMLElement[];
}

/** The README's three elements for `slot`, as written there, and `barAttributes` on the bar. */
function readmeSnippet(world: World, slot: string, barAttributes = ''): Snippet {
  const holder = fixture(`<div>
    <slot-image-status slot-name="${slot}" base-url="${world.base}"></slot-image-status>
    <slot-image-pull-bar slot-name="${slot}" base-url="${world.base}" cancelable ${barAttributes}></slot-image-pull-bar>
    <slot-error-banner slot-name="${slot}" base-url="${world.base}"></slot-error-banner>
  </div>`);
  const [chip, bar, banner] = [...holder.children] as [SlotImageStatus, SlotImagePullBar, SlotErrorBanner];
  return { chip, bar, banner, all: [chip, bar, banner] };
}

const pull = async (world: World, slot: string): Promise<void> => {
  expect((await world.api(`/api/slots/${slot}/pull`, { method: 'POST' })).status, `POST ${slot} pull`).to.equal(202);
};

const pulling = (bar: Element): boolean => bar.getAttribute('state') === 'determinate';

/** The numbers a person reads on a chip ("pulling 41%" → "41%") or under a bar (its meta line). */
const chipPercent = (chip: SlotImageStatus): string => text(part(chip, 'label')).replace(/^pulling /, '');
const meta = (bar: SlotImagePullBar): string => text(part(bar, 'meta'));

/** Calls `look` in every painted frame for `ms` (real time). */
async function everyFrame(ms: number, look: () => void): Promise<void> {
  const end = performance.now() + ms;
  await new Promise<void>((resolve, reject) => {
    const frame = (): void => {
      try {
        look();
      } catch (error) {
        reject(error);
        return;
      }
      if (performance.now() < end) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
}

describe('voice', () => {
  afterEach(cleanup);

  describe('one voice per slot', () => {
    it('the README snippet beside a panel of the same slot: one progressbar, one polite region, buttons that say the slot', async () => {
      const world = await newWorld({ speed: 10 });
      const { bar, all } = readmeSnippet(world, 'chat');
      const panel = fixture<SlotImagePanel>(`<slot-image-panel slot-name="chat" base-url="${world.base}" cancelable></slot-image-panel>`);
      await panel.updateComplete;
      const panelBar = part<SlotImagePullBar>(panel, 'bar');
      const bars = [bar, panelBar];
      await until([...all, panelBar], () => bars.every((b) => b.getAttribute('state') === 'missing'), 'the image missing');
      await pull(world, 'chat');
      await until(bars, () => bars.every(pulling), 'both bars pulling');
      await world.control('pause-engine');
      await Promise.all(bars.map((b) => b.updateComplete));

      const tree = await a11yTree();
      expect(progressbars(tree), 'progressbars').to.have.length(1);
      expect(progressbars(tree)[0]?.name).to.equal(`Pulling image ${CHAT_IMAGE}…`);
      expect(liveRegions(tree, 'polite'), 'polite regions').to.have.length(1);
      expect(liveRegions(tree, 'polite')[0]?.text).to.equal(`Pulling image ${CHAT_IMAGE} started`);
      expect(liveRegions(tree, 'assertive'), 'alerts').to.have.length(0);
      // The first bar on the page carries the slot; the panel's shows the same to the eye.
      expect(part(bar, 'track').getAttribute('role')).to.equal('progressbar');
      expect(part(panelBar, 'track').getAttribute('aria-hidden')).to.equal('true');
      expect(text(part(panelBar, 'label'))).to.equal(text(part(bar, 'label')));
      const buttons = tree.filter((node) => node.role === 'button').map((node) => node.name);
      expect(buttons).to.deep.equal(['Cancel the pull of chat, also stopping code', 'Cancel the pull of chat, also stopping code']);

      // The voice leaves: the panel's bar takes it over.
      bar.remove();
      await until(panelBar, () => part(panelBar, 'track').getAttribute('role') === 'progressbar', 'the panel\'s bar speaking');
      const after = await a11yTree();
      expect(progressbars(after), 'progressbars once the first bar left').to.have.length(1);
      expect(liveRegions(after, 'polite'), 'polite regions once the first bar left').to.have.length(1);
      await world.control('resume-engine');
    });

    it('says each milestone once: one region hears the start, the quarters and the end', async () => {
      const world = await newWorld({ speed: 10 });
      const { bar } = readmeSnippet(world, 'chat');
      const second = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="chat" base-url="${world.base}"></slot-image-pull-bar>`);
      await until([bar, second], () => bar.getAttribute('state') === 'missing' && second.getAttribute('state') === 'missing', 'missing');
      // Every change of text in any live region of either bar.
      const said: string[] = [];
      const observer = new MutationObserver(() => {
        for (const region of [bar, second].flatMap((b) => [...shadow(b).querySelectorAll('[aria-live]')])) {
          const words = text(region);
          if (words !== '' && !said.includes(words)) said.push(words);
        }
      });
      for (const b of [bar, second]) observer.observe(shadow(b), { subtree: true, childList: true, characterData: true });
      const done = nextEvent(document, 'slot-pull-complete');
      await pull(world, 'chat');
      await done;
      await bar.updateComplete;
      observer.disconnect();
      expect(said[0]).to.equal(`Pulling image ${CHAT_IMAGE} started`);
      expect(said.at(-1)).to.equal(`Image ${CHAT_IMAGE} is ready`);
      expect(shadow(second).querySelectorAll('[aria-live]'), 'regions in the second bar').to.have.length(0);
    });

    it('says a failure once: the banner\'s alert, not the bar\'s polite region too — also once the banner is dismissed', async () => {
      const world = await newWorld({ speed: 10 });
      const { bar, banner, all } = readmeSnippet(world, 'vision');
      await until(all, () => bar.getAttribute('state') === 'missing', 'the image missing');
      await pull(world, 'vision');
      await until(all, () => banner.getAttribute('state') === 'failed' && bar.hasAttribute('deferred'), 'the failure in the banner');
      const failure = `Pull of image ${VISION_IMAGE} failed:`;
      const saying = (tree: AxNode[]): AxNode[] => tree.filter((node) => node.live !== null && node.text.startsWith(failure));
      const tree = await a11yTree();
      expect(saying(tree).map((node) => node.role)).to.deep.equal(['alert']);

      part<HTMLButtonElement>(banner, 'dismiss-button').click();
      await until(all, () => banner.getAttribute('state') === 'hidden' && !bar.hasAttribute('deferred'), 'the banner dismissed');
      const after = await a11yTree();
      expect(progressbars(after)).to.have.length(1);
      expect(saying(after), 'the bar that shows the failure now does not say it again').to.have.length(0);
      expect(after.filter((node) => node.role === 'button').map((node) => node.name)).to.deep.equal(['Retry the pull of vision']);
    });
  });

  describe('in step', () => {
    it('a chip and two bars of one slot, and a bar of a slot sharing the pull, show the same numbers in every frame', async () => {
      const world = await newWorld({ speed: 1 });
      const { chip, bar } = readmeSnippet(world, 'chat');
      const second = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="chat" base-url="${world.base}"></slot-image-pull-bar>`);
      const code = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="code" base-url="${world.base}"></slot-image-pull-bar>`);
      const bars = [bar, second, code];
      await until(bars, () => bars.every((b) => b.getAttribute('state') === 'missing'), 'missing');
      await pull(world, 'chat');
      await until([chip, ...bars], () => bars.every(pulling) && chip.getAttribute('status') === 'pulling', 'all pulling');

      const seen = new Set<string>();
      await everyFrame(3_500, () => {
        const words = meta(bar);
        expect(meta(second), 'the second bar of chat').to.equal(words);
        expect(meta(code), 'the bar of code, which shares the pull').to.equal(words);
        expect(words.startsWith(`${chipPercent(chip)} `), `the chip (${chipPercent(chip)}) beside "${words}"`).to.equal(true);
        seen.add(words);
      });
      expect(seen.size, 'the words changed while looking').to.be.at.least(3);
    });
  });
});
