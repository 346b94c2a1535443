/**
 * The embedding examples of demo/embed/ in Chromium, each against a real
 * slotpull app on the demo runtime (a "world", tests/elements/support/worlds.mjs)
 * on the test server's second port: every example page is on another origin
 * than its server, which allows that origin (access.allowOrigins, what
 * --allow-origin sets). Every page takes the server as `?server=`;
 * the framework pages load the bundles of demo/embed/build.mjs (dist/embed/,
 * `npm run build`), plain.html the server's own bundle.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import { crossOrigin, newWorld, type World } from '../elements/support/harness.ts';
import { shown, squash, waitFor } from './support/dashboard-frame.ts';

/** The server address written in the example pages. */
const EXAMPLE_SERVER = 'http://127.0.0.1:8080';
const IMAGE = 'ghcr.io/acme/llama-server:vulkan';

const pageErrors = (reset = false): Promise<string[]> => executeServerCommand('page-errors', { reset }) as Promise<string[]>;

let other = '';
let frame: HTMLIFrameElement | null = null;

before(async () => {
  other = await crossOrigin();
});

beforeEach(async () => {
  await pageErrors(true);
});

afterEach(() => {
  frame?.remove();
  frame = null;
});

/** A world on the other port that allows this page's origin. */
const allowingWorld = (): Promise<World> => newWorld({ allowOrigin: location.origin }, other);

/** Loads an example page into an iframe. */
async function load(source: { src: string }): Promise<Document> {
  frame = document.createElement('iframe');
  frame.title = 'embedding example';
  frame.style.cssText = 'width:800px;height:600px;border:0;display:block';
  const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
  frame.src = source.src;
  document.body.append(frame);
  await loaded;
  return frame.contentDocument!;
}

/** One element of the example (they live in the frame's own realm: no instanceof, no MutationObserver helpers). */
function the(doc: Document, tag: string): HTMLElement {
  const found = doc.querySelector<HTMLElement>(tag);
  if (found === null) throw new Error(`no <${tag}> in the example`);
  return found;
}

const label = (bar: HTMLElement): string => squash(bar.shadowRoot?.querySelector('[part~="label"]')?.textContent);

/**
 * What every example shows and does: the three elements for "chat" side by
 * side as the docs show them — the image not pulled yet, the bar offering
 * Pull, the banner hidden (nothing is wrong) —; the bar's Pull starts a pull
 * that shows progress in one bar and ends "Image ready", and the page's
 * `slot-pull-complete` handler says so.
 */
async function pullsThroughTheExample(doc: Document): Promise<void> {
  await waitFor(() => the(doc, 'slot-image-pull-bar').getAttribute('state') === 'missing', 'the bar of "chat", missing');
  const bar = the(doc, 'slot-image-pull-bar');
  const chip = the(doc, 'slot-image-status');
  const banner = the(doc, 'slot-error-banner');
  expect(label(bar)).to.equal('Image not pulled yet');
  await waitFor(() => chip.getAttribute('status') === 'missing', 'the chip saying "missing"');
  expect(banner.getAttribute('state'), 'a missing image is no problem: no banner').to.equal('hidden');
  expect(doc.querySelectorAll('button'), 'no Pull button of the page\'s own: the bar has one').to.have.length(0);

  const pull = bar.shadowRoot!.querySelector<HTMLButtonElement>('[part~="pull-button"]');
  expect(squash(pull?.textContent)).to.equal('Pull');
  pull!.click();
  await waitFor(() => bar.getAttribute('state') === 'determinate', 'a determinate bar');
  const meter = bar.shadowRoot!.querySelector('[role="progressbar"]');
  expect(Number(meter?.getAttribute('aria-valuenow'))).to.be.within(0, 100);
  expect(bar.shadowRoot!.querySelector('[part~="cancel-button"]'), 'cancelable came through').to.not.equal(null);
  expect(banner.getAttribute('state'), 'no banner during a normal pull').to.equal('hidden');
  await waitFor(() => /pulling \d+%/.test(shown(chip)), `the chip pulling (now "${shown(chip)}")`);

  let ready = '';
  await waitFor(
    () => {
      ready = bar.getAttribute('state') === 'completed' ? label(bar) : '';
      return ready !== '';
    },
    'the bar completed',
    25_000,
  );
  expect(ready).to.equal('Image ready');
  await waitFor(() => squash(doc.querySelector('[role="status"]')?.textContent) === `${IMAGE} is ready`, 'the page\'s slot-pull-complete handler');
  await waitFor(() => chip.getAttribute('status') === 'present', 'the chip saying "present"');
  expect(banner.getAttribute('state')).to.equal('hidden');
  expect(await pageErrors()).to.deep.equal([]);
}

describe('the embedding examples (demo/embed/)', () => {
  it('plain.html on another origin than the server (?server=): the elements come from it, and the bar\'s Pull pulls to "Image ready"', async () => {
    const world = await allowingWorld();
    const markup = await (await fetch('/demo/embed/plain.html')).text();
    // The server is named once, as the default of ?server=.
    expect(markup.split(EXAMPLE_SERVER)).to.have.length(2);
    const doc = await load({ src: `/demo/embed/plain.html?server=${encodeURIComponent(world.base)}` });
    expect(doc.defaultView!.origin).to.equal(location.origin);
    expect(new URL(world.base).origin).to.not.equal(location.origin);
    await pullsThroughTheExample(doc);
  });

  for (const name of ['react', 'vue', 'svelte']) {
    it(`${name}.html (dist/embed/${name}.js) on another origin: the elements render in the ${name} app, and the bar's Pull pulls to "Image ready"`, async () => {
      const bundle = await fetch(`/dist/embed/${name}.js`, { method: 'HEAD' });
      expect(bundle.ok, `dist/embed/${name}.js is missing: run \`npm run build\``).to.equal(true);
      const world = await allowingWorld();
      const doc = await load({ src: `/demo/embed/${name}.html?server=${encodeURIComponent(world.base)}` });
      await pullsThroughTheExample(doc);
    });
  }
});
