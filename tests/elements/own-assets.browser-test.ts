/**
 * Issue 13: the elements served from the page's own assets (the bundle the
 * npm package ships, dist/elements/slotpull.js, served here by the test
 * page's own server), on a page loaded while slotpull is down: they say
 * "Cannot reach …" and come back by themselves once it is up, no reload.
 * This file imports no element code: the page has only the bundle.
 */
import { expect } from 'chai';
import type { SlotErrorBanner, SlotImagePullBar, SlotImageStatus } from '../../elements/index.ts';
import { cleanup, fixture, newWorld, part, text, until } from './support/harness.ts';

/** Where the page's own server has the package's bundle (the package exports it as slotpull/elements/slotpull.js). */
const OWN_BUNDLE = '/dist/elements/slotpull.js';

describe('elements from the page\'s own assets', () => {
  before(async () => {
    await import(OWN_BUNDLE);
    expect(customElements.get('slot-image-pull-bar')).to.not.equal(undefined);
  });

  afterEach(cleanup);

  it('say "Cannot reach …" while slotpull is down at load, and recover by themselves when it comes up', async () => {
    const world = await newWorld({ late: true, allowOrigin: location.origin });
    const base = world.lateBase as string;
    const holder = fixture('<div></div>');
    holder.innerHTML = [
      `<slot-image-status slot-name="chat" base-url="${base}"></slot-image-status>`,
      `<slot-image-pull-bar slot-name="chat" base-url="${base}" show-idle></slot-image-pull-bar>`,
      `<slot-error-banner slot-name="chat" base-url="${base}"></slot-error-banner>`,
    ].join('');
    const [chip, bar, banner] = [...holder.children] as [SlotImageStatus, SlotImagePullBar, SlotErrorBanner];
    const down = `Cannot reach the slotpull server at ${base}`;
    await until([chip, bar, banner], () => text(part(bar, 'label')) === down && banner.getAttribute('state') === 'unreachable', 'cannot reach');
    expect(chip.getAttribute('status')).to.equal('unreachable');
    expect(text(part(banner, 'message'))).to.equal(down);

    await world.control('start-late');
    await until(
      [chip, bar, banner],
      () => bar.getAttribute('state') === 'missing' && chip.getAttribute('status') === 'missing' && banner.getAttribute('state') !== 'unreachable',
      'the slot, once slotpull is up',
    );
    expect(text(part(bar, 'label'))).to.equal('Image not pulled yet');
  });
});
