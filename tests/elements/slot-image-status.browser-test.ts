import { expect } from 'chai';
import '../../elements/index.ts';
import type { SlotImageStatus } from '../../elements/index.ts';
import { cleanup, expectAccessible, fixture, hasPart, newWorld, part, shadow, text, until, type World } from './support/harness.ts';

const statusOf = (el: Element): string | null => el.getAttribute('status');
const mountChip = (world: World | null, slot: string, base = world?.base): SlotImageStatus =>
  fixture<SlotImageStatus>(`<slot-image-status slot-name="${slot}" base-url="${base}"></slot-image-status>`);
/** Visible words, without the prefix only a screen reader reads. */
const label = (chip: Element): string => text(part(chip, 'label'));

describe('<slot-image-status>', () => {
  afterEach(cleanup);

  it('says "present", in text and not by color alone', async () => {
    const world = await newWorld();
    const chip = mountChip(world, 'rerank');
    chip.style.setProperty('--slotpull-color-success', 'rgb(1, 2, 3)');
    await until(chip, () => statusOf(chip) === 'present', 'present');
    expect(label(chip)).to.equal('present');
    expect(text(part(chip, 'base'))).to.equal('Image status: present');
    for (const name of ['base', 'indicator', 'label']) expect(hasPart(chip, name), `part ${name}`).to.equal(true);
    expect(getComputedStyle(part(chip, 'indicator')).backgroundColor).to.equal('rgb(1, 2, 3)');
    await expectAccessible(chip, 'present');
  });

  it('says "missing"', async () => {
    const world = await newWorld();
    const chip = mountChip(world, 'chat');
    chip.style.setProperty('--slotpull-color-warning', 'rgb(4, 5, 6)');
    await until(chip, () => statusOf(chip) === 'missing', 'missing');
    expect(label(chip)).to.equal('missing');
    expect(getComputedStyle(part(chip, 'indicator')).backgroundColor).to.equal('rgb(4, 5, 6)');
    await expectAccessible(chip, 'missing');
  });

  it('says "pulling n%" while pulling, then "present"', async () => {
    const world = await newWorld({ speed: 4 });
    const chip = mountChip(world, 'chat');
    await until(chip, () => statusOf(chip) === 'missing', 'missing');
    await world.api('/api/slots/chat/pull', { method: 'POST' });
    await until(chip, () => /^pulling \d+%$/.test(label(chip)), 'pulling with a percent');
    await world.control('pause-engine');
    await chip.updateComplete;
    expect(label(chip)).to.equal(`pulling ${Math.floor(chip.snapshot!.percent!)}%`);
    await expectAccessible(chip, 'pulling');
    await world.control('resume-engine');
    await until(chip, () => statusOf(chip) === 'present', 'present after the pull');
    expect(label(chip)).to.equal('present');
  });

  it('says "failed"', async () => {
    const world = await newWorld({ speed: 10 });
    const chip = mountChip(world, 'vision');
    chip.style.setProperty('--slotpull-color-danger', 'rgb(7, 8, 9)');
    await world.api('/api/slots/vision/pull', { method: 'POST' });
    await until(chip, () => statusOf(chip) === 'failed', 'failed');
    expect(label(chip)).to.equal('failed');
    expect(part(chip, 'base').title).to.equal('received unexpected HTTP status: 503 Service Unavailable');
    expect(getComputedStyle(part(chip, 'indicator')).backgroundColor).to.equal('rgb(7, 8, 9)');
    await expectAccessible(chip, 'failed');
  });

  it('says "unknown" when the engine cannot be asked', async () => {
    const world = await newWorld({ failInspect: true });
    const chip = mountChip(world, 'chat');
    await until(chip, () => statusOf(chip) === 'unknown', 'unknown');
    expect(label(chip)).to.equal('unknown');
    await expectAccessible(chip, 'unknown');
  });

  it('says "unreachable" when the server cannot be reached', async () => {
    const chip = mountChip(null, 'chat', 'http://127.0.0.1:9');
    await until(chip, () => statusOf(chip) === 'unreachable', 'unreachable');
    expect(label(chip)).to.equal('unreachable');
    expect(part(chip, 'base').title).to.equal('Cannot reach the slotpull server at http://127.0.0.1:9');
    await expectAccessible(chip, 'unreachable');
  });

  describe('show-last-pull', () => {
    const DAY_MS = 24 * 60 * 60 * 1000;
    const RERANK = 'ghcr.io/acme/rerank-server:1.2';
    const lastPull = (chip: Element): string | null => shadow(chip).querySelector('[part="last-pull"]')?.textContent ?? null;

    it('says when the present image was last pulled and how long that took, from the history', async () => {
      const world = await newWorld({ pulls: [{ slots: ['rerank'], image: RERANK, endedAgoMs: 3 * DAY_MS + 60_000, durationS: 252 }] });
      const chip = fixture<SlotImageStatus>(`<slot-image-status slot-name="rerank" base-url="${world.base}" show-last-pull></slot-image-status>`);
      await until(chip, () => lastPull(chip) !== null, 'the last pull');
      expect(label(chip)).to.equal('present');
      expect(lastPull(chip)).to.equal('pulled 3 days ago in 4 min 12 sec');
      expect(hasPart(chip, 'last-pull')).to.equal(true);
      await expectAccessible(chip, 'present, with its last pull');

      const german = fixture<SlotImageStatus>(`<slot-image-status lang="de" slot-name="rerank" base-url="${world.base}" show-last-pull></slot-image-status>`);
      // The German phrases load on demand: until they are in, the sentence is English around German numbers.
      await until(german, () => lastPull(german)?.startsWith('vor ') === true, 'the last pull, in German');
      expect(lastPull(german)).to.equal('vor 3 Tagen geladen, Dauer 4 Min. 12 Sek.');
    });

    it('says nothing of it without the attribute, and nothing while the history has no completed pull', async () => {
      const world = await newWorld({ pulls: [{ slots: ['rerank'], image: RERANK, endedAgoMs: DAY_MS, durationS: 10 }] });
      const plain = mountChip(world, 'rerank');
      await until(plain, () => statusOf(plain) === 'present', 'present');
      await plain.updateComplete;
      expect(lastPull(plain)).to.equal(null);
      const never = fixture<SlotImageStatus>(`<slot-image-status slot-name="chat" base-url="${world.base}" show-last-pull></slot-image-status>`);
      await until(never, () => statusOf(never) === 'missing', 'missing');
      await never.updateComplete;
      expect(lastPull(never)).to.equal(null);
    });

    it('says "just now" for a pull that has just completed', async () => {
      const world = await newWorld({ speed: 50 });
      const chip = fixture<SlotImageStatus>(`<slot-image-status slot-name="rerank" base-url="${world.base}" show-last-pull></slot-image-status>`);
      await until(chip, () => statusOf(chip) === 'present', 'present');
      await world.api('/api/slots/rerank/pull', { method: 'POST' });
      await until(chip, () => /^pulled just now in \d+ sec$/.test(lastPull(chip) ?? ''), 'pulled just now');
    });
  });
});
