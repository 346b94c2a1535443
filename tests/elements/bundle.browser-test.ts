// Loads only the built bundle (dist/elements/slotpull.js served by the app), never the sources.
import { expect } from 'chai';
import type * as Elements from '../../elements/index.ts';
import { cleanup, fixture, newWorld, until } from './support/harness.ts';

const BUNDLE = '/elements/slotpull.js';
const load = (query: string): Promise<typeof Elements> => import(/* @vite-ignore */ `${BUNDLE}?${query}`) as Promise<typeof Elements>;

describe('the bundle at /elements/slotpull.js', () => {
  afterEach(cleanup);

  it('is served as JavaScript to any origin, with an ETag that answers 304', async () => {
    const response = await fetch(BUNDLE, { cache: 'no-store' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).to.equal('*');
    const etag = response.headers.get('etag') as string;
    // Gzipped for the browser, so the tag is weak (W/): the bytes on the wire are not the bundle's.
    expect(response.headers.get('content-encoding')).to.equal('gzip');
    expect(etag).to.match(/^W\/"[0-9a-f]{32}"$/);
    const body = await response.text();
    expect(body).to.contain('slot-image-pull-bar');
    const again = await fetch(BUNDLE, { cache: 'no-store', headers: { 'If-None-Match': etag } });
    expect(again.status).to.equal(304);
    const changed = await fetch(BUNDLE, { cache: 'no-store', headers: { 'If-None-Match': '"something-else"' } });
    expect(changed.status).to.equal(200);
  });

  it('two copies on one page: no define error, one hub, one connection', async () => {
    const errors: string[] = [];
    const onError = (event: ErrorEvent): void => void errors.push(event.message);
    window.addEventListener('error', onError);
    const first = await load('copy=dashboard');
    const second = await load('copy=widget');
    window.removeEventListener('error', onError);
    expect(errors).to.deep.equal([]);
    expect(first.SlotImagePullBar, 'two copies really loaded').to.not.equal(second.SlotImagePullBar);
    expect(customElements.get('slot-image-pull-bar')).to.equal(first.SlotImagePullBar);
    expect(customElements.get('slot-error-banner')).to.equal(first.SlotErrorBanner);
    expect(customElements.get('slot-image-status')).to.equal(first.SlotImageStatus);
    expect(second.slotHub()).to.equal(first.slotHub());

    const world = await newWorld();
    const holder = fixture('<div></div>');
    holder.innerHTML = ['slot-image-pull-bar', 'slot-image-status', 'slot-error-banner']
      .map((tag) => `<${tag} slot-name="chat" base-url="${world.base}"></${tag}>`)
      .join('');
    const elements = [...holder.children] as Elements.SlotImageStatus[];
    await until(elements, () => elements.every((el) => el.snapshot !== undefined), 'all three elements with data');
    expect(await world.stats()).to.deep.equal({ open: 1, opened: 1, refused: 0 });
  });
});
