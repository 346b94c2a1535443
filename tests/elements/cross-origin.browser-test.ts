// A page on another origin embedding the bundle by script tag (the API on a second port).
import { expect } from 'chai';
import type { configureServer as ConfigureServer, SlotErrorBanner, SlotImagePullBar, SlotImageStatus } from '../../elements/index.ts';
import { cleanup, crossOrigin, fixture, newWorld, part, text, until } from './support/harness.ts';

describe('a page on another origin', () => {
  let other = '';

  before(async () => {
    other = await crossOrigin();
    expect(new URL(other).origin).to.not.equal(location.origin);
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.type = 'module';
      script.src = `${other}/elements/slotpull.js`;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`the bundle did not load from ${script.src}`));
      document.head.append(script);
    });
    expect(customElements.get('slot-image-pull-bar')).to.not.equal(undefined);
  });

  afterEach(cleanup);

  it('works when the server allows the origin (access.allowOrigins, what --allow-origin sets)', async () => {
    const world = await newWorld({ speed: 10, allowOrigin: location.origin }, other);
    const bar = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="chat" base-url="${world.base}" show-idle></slot-image-pull-bar>`);
    await until(bar, () => bar.getAttribute('state') === 'missing', 'missing');
    expect(text(part(bar, 'label'))).to.equal('Image not pulled yet');
    const started = await fetch(`${world.base}/api/slots/chat/pull`, { method: 'POST' });
    expect(started.status).to.equal(202);
    await until(bar, () => bar.getAttribute('state') === 'completed', 'completed');
    expect(text(part(bar, 'label'))).to.equal('Image ready');

    // Cancel is a DELETE: a preflighted request, answered by the server's CORS.
    const vision = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="vision" base-url="${world.base}" cancelable></slot-image-pull-bar>`);
    await until(vision, () => vision.getAttribute('state') === 'missing', 'vision missing');
    await world.control('pause-engine');
    expect((await fetch(`${world.base}/api/slots/vision/pull`, { method: 'POST' })).status).to.equal(202);
    await until(vision, () => vision.getAttribute('state') === 'indeterminate', 'vision pulling');
    part<HTMLButtonElement>(vision, 'cancel-button').click();
    await until(vision, () => vision.getAttribute('state') === 'cancelled', 'cancelled across origins');
  });

  it('says the origin is not allowed, and the flag that allows it, when the server does not allow it — no endless spinner', async () => {
    const world = await newWorld({}, other);
    const holder = fixture('<div></div>');
    holder.innerHTML = ['slot-image-pull-bar', 'slot-image-status', 'slot-error-banner']
      .map((tag) => `<${tag} slot-name="chat" base-url="${world.base}"></${tag}>`)
      .join('');
    const [bar, chip, banner] = [...holder.children] as [SlotImagePullBar, SlotImageStatus, SlotErrorBanner];
    await until(
      [bar, chip, banner],
      () => bar.getAttribute('state') === 'problem' && chip.getAttribute('status') === 'unknown' && banner.getAttribute('state') === 'problem',
      'all three saying the origin is not allowed',
      10_000,
    );
    const message = `The slotpull server at ${world.base} does not allow pages from ${location.origin}: start it with --allow-origin ${location.origin}`;
    expect(text(part(bar, 'label'))).to.equal(message);
    expect(text(part(banner, 'message'))).to.equal(message);
    expect(part(bar, 'base').querySelector('[role=progressbar]')).to.equal(null);
    // Said once: beside the slot's banner, the bar leaves the problem to it.
    expect([bar.hasAttribute('deferred'), getComputedStyle(bar).display]).to.deep.equal([true, 'none']);
  });

  it('tells the same when the page sends cookies (credentials: include), whose answers the browser hides from it', async () => {
    const world = await newWorld({}, other);
    // The bundle's own export: the page has only the script tag's copy of the elements.
    const { configureServer } = (await import(`${other}/elements/slotpull.js`)) as { configureServer: typeof ConfigureServer };
    configureServer(world.base, { credentials: 'include' });
    const bar = fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="chat" base-url="${world.base}"></slot-image-pull-bar>`);
    const message = `The slotpull server at ${world.base} does not allow pages from ${location.origin}: start it with --allow-origin ${location.origin}`;
    await until(bar, () => text(part(bar, 'label')) === message, 'the origin refusal', 10_000);
  });
});
