// Every sentence in the element's language (issue 15): the built-in tables
// load beside the elements (/elements/translations/<code>.js, served by the
// real app), a `lang` change re-renders at once, registerTranslation() adds
// a language or a phrase. Each test file has its page: what a test registers
// stays for the tests after it, so the override of a built-in phrase comes last.
import { visualDiff } from '@web/test-runner-visual-regression';
import { expect } from 'chai';
import { registerTranslation, SlotImagePullBar, SlotImageStatus } from '../../elements/index.ts';
import { cleanup, expectAccessible, fixture, newWorld, part, text, until, type World } from './support/harness.ts';

const mountBar = (world: World, slot: string, attributes = ''): SlotImagePullBar =>
  fixture<SlotImagePullBar>(`<slot-image-pull-bar slot-name="${slot}" base-url="${world.base}" ${attributes}></slot-image-pull-bar>`);
const mountChip = (world: World, slot: string): SlotImageStatus =>
  fixture<SlotImageStatus>(`<slot-image-status slot-name="${slot}" base-url="${world.base}"></slot-image-status>`);

/** What a missing image's bar says: its label, the Pull button's words and accessible name. */
const barWords = (bar: SlotImagePullBar): [string, string, string | null] => {
  const pull = part(bar, 'pull-button');
  return [text(part(bar, 'label')), text(pull), pull.getAttribute('aria-label')];
};

/** A world whose image is missing and stays so (no pull starts by itself). */
async function missingBar(attributes = ''): Promise<{ world: World; bar: SlotImagePullBar }> {
  const world = await newWorld();
  await world.control('pause-engine');
  const bar = mountBar(world, 'chat', attributes);
  await until(bar, () => bar.getAttribute('state') === 'missing', 'missing');
  return { world, bar };
}

describe('the language of the elements', () => {
  const pageLang = document.documentElement.lang;
  afterEach(() => {
    cleanup();
    document.documentElement.lang = pageLang;
  });

  it('follows the document’s lang at run time: en → de → ja, words and button names, without a reload', async () => {
    document.documentElement.lang = 'en';
    const { world, bar } = await missingBar();
    const chip = mountChip(world, 'chat');
    await until(chip, () => text(part(chip, 'label')) === 'missing', 'the chip in English');
    expect(barWords(bar)).to.deep.equal(['Image not pulled yet', 'Pull', 'Pull the image of chat']);

    document.documentElement.lang = 'de';
    await until([bar, chip], () => text(part(bar, 'label')) === 'Image noch nicht geladen' && text(part(chip, 'label')) === 'fehlt', 'German');
    expect(barWords(bar)).to.deep.equal(['Image noch nicht geladen', 'Laden', 'Image für chat laden']);
    await expectAccessible(bar, 'German');

    document.documentElement.lang = 'ja';
    await until([bar, chip], () => text(part(bar, 'label')) === 'イメージ未取得' && text(part(chip, 'label')) === 'なし', 'Japanese');
    expect(barWords(bar)).to.deep.equal(['イメージ未取得', '取得', 'chat のイメージを取得']);
    await expectAccessible(bar, 'Japanese');
  });

  it('speaks the element’s own lang, else its nearest ancestor’s, over the document’s', async () => {
    document.documentElement.lang = 'fr';
    const world = await newWorld();
    await world.control('pause-engine');
    const holder = fixture(`<div lang="es"><slot-image-pull-bar slot-name="chat" base-url="${world.base}" lang="de"></slot-image-pull-bar>
      <slot-image-pull-bar slot-name="chat" base-url="${world.base}"></slot-image-pull-bar></div>`);
    const [own, inherited] = [...holder.children] as SlotImagePullBar[];
    await until([own!, inherited!], () => text(part(own!, 'label')) === 'Image noch nicht geladen' && text(part(inherited!, 'label')) === 'Imagen aún no descargada', 'de and es');
    // Its own lang taken away: the ancestor's.
    own!.removeAttribute('lang');
    await until(own!, () => text(part(own!, 'label')) === 'Imagen aún no descargada', 'es from the ancestor');
  });

  it('numbers follow the same language: the chip’s percent and the bar’s bytes', async () => {
    document.documentElement.lang = 'de';
    const world = await newWorld({ speed: 1 });
    const response = await world.api('/api/slots/chat/pull', { method: 'POST' });
    expect(response.status).to.equal(202);
    const bar = mountBar(world, 'chat');
    await until(bar, () => /von ≥?[\d,]+ [GM]B/.test(text(part(bar, 'meta'))), 'German bytes ("… von ≥1,4 GB")');
    expect(text(part(bar, 'label'))).to.equal('Image ghcr.io/acme/llama-server:vulkan wird geladen…');
    expect(text(part(bar, 'meta'))).to.match(/\d+ %/);
  });

  it('speaks English for a language without a table', async () => {
    document.documentElement.lang = 'xx-unknown';
    const { bar } = await missingBar();
    expect(barWords(bar)).to.deep.equal(['Image not pulled yet', 'Pull', 'Pull the image of chat']);
  });

  it('speaks a registered language; a phrase it lacks is English, and a region falls back to its language', async () => {
    registerTranslation({ $code: 'pt', missing: 'Imagem ainda não baixada', pull: 'Baixar' }, { $code: 'pt-BR', pull: 'Puxar' });
    const { bar } = await missingBar('lang="pt"');
    expect(barWords(bar)).to.deep.equal(['Imagem ainda não baixada', 'Baixar', 'Pull the image of chat']);
    bar.lang = 'pt-BR';
    await until(bar, () => text(part(bar, 'pull-button')) === 'Puxar', 'pt-BR');
    expect(text(part(bar, 'label'))).to.equal('Imagem ainda não baixada');
  });

  it('agrees a count with its noun by the language’s plural rules (Cancel names the slots it also stops)', async () => {
    const image = 'ghcr.io/acme/llama-server:vulkan';
    const slots = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ name, provider: 'container', image, port: 9000 + i }));
    const world = await newWorld({ speed: 1, slots: { slots } });
    const response = await world.api('/api/slots/a/pull', { method: 'POST' });
    expect(response.status).to.equal(202);
    // Russian: 2 takes "few" (слота), 5 "many" (слотов); here four others: b, c and 2 more.
    registerTranslation({ $code: 'ru', more: { one: 'ещё # слот', few: 'ещё # слота', many: 'ещё # слотов', other: 'ещё # слота' }, cancelAlso: (others) => `Отмена (также ${others})` });
    const bar = mountBar(world, 'a', 'cancelable lang="en"');
    await until(bar, () => text(part(bar, 'cancel-button')).startsWith('Cancel ('), 'Cancel naming the others');
    expect(text(part(bar, 'cancel-button'))).to.equal('Cancel (also stops b, c, and 2 more)');
    bar.lang = 'ru';
    await until(bar, () => text(part(bar, 'cancel-button')).startsWith('Отмена'), 'Russian');
    expect(text(part(bar, 'cancel-button'))).to.equal('Отмена (также b, c и ещё 2 слота)');
    bar.lang = 'de';
    await until(bar, () => text(part(bar, 'cancel-button')).startsWith('Abbrechen'), 'German');
    expect(text(part(bar, 'cancel-button'))).to.equal('Abbrechen (stoppt auch b, c und 2 weitere)');
    expect(part(bar, 'cancel-button').getAttribute('aria-label')).to.equal('Laden für a abbrechen, stoppt auch b, c und 2 weitere');
  });
});

describe('the language of the elements, pictures', () => {
  afterEach(cleanup);

  /** chat missing (chip and bar) and vision after its failed first pull (chip and banner), in `lang`, on a plain white card. */
  for (const lang of ['de', 'ja']) {
    it(`${lang}: chip, bar and banner match the baseline`, async () => {
      const world = await newWorld({ speed: 10 });
      const response = await world.api('/api/slots/vision/pull', { method: 'POST' });
      expect(response.status).to.equal(202);
      const card = fixture(`<div lang="${lang}" style="width: 560px; padding: 16px; background: #fff; color: #1f2937; font: 14px/1.4 sans-serif; display: grid; gap: 12px">
        <slot-image-status slot-name="chat" base-url="${world.base}"></slot-image-status>
        <slot-image-pull-bar slot-name="chat" base-url="${world.base}"></slot-image-pull-bar>
        <slot-image-status slot-name="vision" base-url="${world.base}"></slot-image-status>
        <slot-error-banner slot-name="vision" base-url="${world.base}"></slot-error-banner></div>`);
      const [chat, bar, vision, banner] = [...card.children] as HTMLElement[];
      const words = { de: ['fehlt', 'Laden', 'fehlgeschlagen', 'Neu laden'], ja: ['なし', '取得', '失敗', '再取得'] }[lang]!;
      await until([chat!, bar!, vision!, banner!], () =>
        text(part(chat!, 'label')) === words[0] && bar!.shadowRoot?.querySelector('[part~="pull-button"]')?.textContent?.trim() === words[1] &&
        text(part(vision!, 'label')) === words[2] && banner!.shadowRoot?.querySelector('[part~="repull-button"]')?.textContent?.trim() === words[3],
        `the ${lang} words`, 25_000);
      await expectAccessible(card, lang);
      await visualDiff(card, `elements-lang-${lang}`);
    });
  }
});

// Last in the file: what it registers for German stays for the page.
describe('the language of the elements, a phrase of a built-in language replaced', () => {
  afterEach(cleanup);

  it('replaces a single phrase of a built-in language, before or after its table loads', async () => {
    registerTranslation({ $code: 'de', pull: 'Holen' });
    const { bar } = await missingBar('lang="de"');
    await until(bar, () => text(part(bar, 'label')) === 'Image noch nicht geladen', 'German');
    expect(text(part(bar, 'pull-button')), 'the registered phrase stays over the built-in table').to.equal('Holen');
    registerTranslation({ $code: 'de', missing: 'Kein Image da' });
    await until(bar, () => text(part(bar, 'label')) === 'Kein Image da', 'the phrase registered later');
    expect(text(part(bar, 'pull-button'))).to.equal('Holen');
  });
});
