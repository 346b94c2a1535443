import { expect } from 'chai';
import { slotHub, type SlotImagePullBar, type SlotImageStatus } from '../../elements/index.ts';
import { cleanup, fixture, newWorld, until } from './support/harness.ts';

const IMAGES = ['ghcr.io/acme/llama-server:vulkan', 'ghcr.io/acme/vision-server:0.9', 'ghcr.io/acme/rerank-server:1.2'];
const TWELVE_SLOTS = {
  slots: Array.from({ length: 12 }, (_, i) => ({ name: `s${i + 1}`, provider: 'container', image: IMAGES[i % IMAGES.length] })),
};

describe('one connection per server', () => {
  afterEach(cleanup);

  it('24 elements for 12 slots open exactly one EventSource; removing them all closes it', async () => {
    const world = await newWorld({ slots: TWELVE_SLOTS });
    const holder = fixture('<div></div>');
    for (let i = 1; i <= 12; i += 1) {
      holder.insertAdjacentHTML(
        'beforeend',
        `<slot-image-pull-bar slot-name="s${i}" base-url="${world.base}" show-idle></slot-image-pull-bar>` +
          `<slot-image-status slot-name="s${i}" base-url="${world.base}"></slot-image-status>`,
      );
    }
    const elements = [...holder.children] as (SlotImagePullBar | SlotImageStatus)[];
    expect(elements).to.have.length(24);
    await until(elements, () => elements.every((el) => el.snapshot !== undefined), 'a snapshot in all 24 elements');
    expect(elements.map((el) => el.snapshot!.slot_name)).to.deep.equal(elements.map((el) => el.slotName));
    expect(await world.stats()).to.deep.equal({ open: 1, opened: 1, refused: 0 });
    expect(slotHub().bases.filter((base) => base === world.base)).to.have.length(1);

    // Moving an element in the DOM (disconnect + connect in one task) keeps the connection.
    holder.append(holder.firstElementChild!);
    await (holder.lastElementChild as SlotImagePullBar).updateComplete;
    expect((holder.lastElementChild as SlotImagePullBar).snapshot?.slot_name).to.equal('s1');

    holder.remove();
    expect(await world.control('wait-open', { count: 0 })).to.deep.equal({ open: 0, opened: 1, refused: 0 });
    expect(slotHub().bases).to.not.include(world.base);
  });

  it('an element removed while an update is pending releases its subscription', async () => {
    const world = await newWorld();
    const chip = fixture<SlotImageStatus>(`<slot-image-status slot-name="chat" base-url="${world.base}"></slot-image-status>`);
    await until(chip, () => chip.getAttribute('status') === 'missing', 'missing');
    chip.requestUpdate(); // Lit still runs this update after the element has left the DOM
    chip.remove();
    expect(await world.control('wait-open', { count: 0 })).to.deep.equal({ open: 0, opened: 1, refused: 0 });
  });

  it('two servers get two connections', async () => {
    const [one, two] = [await newWorld(), await newWorld()];
    const a = fixture<SlotImageStatus>(`<slot-image-status slot-name="chat" base-url="${one.base}"></slot-image-status>`);
    const b = fixture<SlotImageStatus>(`<slot-image-status slot-name="chat" base-url="${two.base}/"></slot-image-status>`);
    await until([a, b], () => a.snapshot !== undefined && b.snapshot !== undefined, 'both chips');
    expect((await one.stats()).open).to.equal(1);
    expect((await two.stats()).open).to.equal(1);
  });

  it('an element re-targeted to another slot follows it on the same connection', async () => {
    const world = await newWorld();
    const chip = fixture<SlotImageStatus>(`<slot-image-status slot-name="chat" base-url="${world.base}"></slot-image-status>`);
    await until(chip, () => chip.getAttribute('status') === 'missing', 'chat missing');
    chip.slotName = 'rerank';
    await until(chip, () => chip.getAttribute('status') === 'present', 'rerank present');
    expect(await world.stats()).to.deep.equal({ open: 1, opened: 1, refused: 0 });
  });
});
