// The pure parts of the elements' languages (vitest, unit project): the
// lookup with its fallbacks, registration, plurals and lists. What a page
// sees (loading, re-rendering on a lang change) is language.browser-test.ts.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Formatter } from '../../elements/format.ts';
import { BUILT_IN_LANGUAGES, phrasesFor, registerTranslation } from '../../elements/language.ts';
import { en, type Plural } from '../../elements/messages.ts';
import { TRANSLATION_CODES } from '../../server/http/routes/elements.ts';

describe('phrasesFor', () => {
  it('is English for English and for a language without a table', () => {
    expect(phrasesFor('en-US').missing).toBe('Image not pulled yet');
    expect(phrasesFor('tlh').pullName('chat')).toBe('Pull the image of chat');
  });

  it('takes a registered table, each missing phrase from the tag’s language, then English', () => {
    registerTranslation({ $code: 'pt', missing: 'Imagem ainda não baixada', pull: 'Baixar' }, { $code: 'PT-br', pull: 'Puxar' });
    const brazil = phrasesFor('pt-BR');
    expect([brazil.pull, brazil.missing, brazil.retry]).toEqual(['Puxar', 'Imagem ainda não baixada', 'Retry']);
    expect(phrasesFor('pt-PT').pull).toBe('Baixar');
  });

  it('adds the phrases of a later registration to those before it, and lets English be changed too', () => {
    registerTranslation({ $code: 'sv', pull: 'Hämta' });
    registerTranslation({ $code: 'sv', retry: 'Försök igen' }, { $code: 'en', dismiss: 'Close' });
    expect([phrasesFor('sv').pull, phrasesFor('sv').retry, phrasesFor('sv').dismiss]).toEqual(['Hämta', 'Försök igen', 'Close']);
    expect(phrasesFor('en').dismiss).toBe('Close');
    registerTranslation({ $code: 'en', dismiss: en.dismiss });
  });
});

describe('plurals and lists', () => {
  const more: Plural = { one: 'ещё # слот', few: 'ещё # слота', many: 'ещё # слотов', other: 'ещё # слота' };

  it('chooses the form by Intl.PluralRules and puts the count in the language’s digits', () => {
    const ru = new Formatter('ru');
    expect([1, 2, 5, 21, 1000].map((count) => ru.plural(more, count))).toEqual(['ещё 1 слот', 'ещё 2 слота', 'ещё 5 слотов', 'ещё 21 слот', 'ещё 1\u00a0000 слотов']);
    expect(new Formatter('ja').plural({ other: 'ほか#件' }, 1)).toBe('ほか1件');
  });

  it('takes `other` for a category the table leaves out', () => {
    expect(new Formatter('en').plural({ other: '# more' }, 1)).toBe('1 more');
  });

  it('joins lists in the language, and falls back to the browser’s for a tag Intl refuses', () => {
    expect(new Formatter('de').list(['code', 'vision', 'chat'])).toBe('code, vision und chat');
    expect(new Formatter('ja').list(['code', 'vision'])).toBe('code、vision');
    expect(() => new Formatter('xx-').list(['a', 'b'])).not.toThrow();
    expect(() => new Formatter('xx-').plural(more, 2)).not.toThrow();
  });
});

describe('the built-in translations', () => {
  const files = readdirSync(new URL('../../elements/translations/', import.meta.url)).map((file) => file.replace(/\.ts$/, ''));

  it('are the modules of elements/translations/, which the server serves and the elements ask for', () => {
    expect([...files].sort()).toEqual([...BUILT_IN_LANGUAGES].sort());
    expect([...TRANSLATION_CODES].sort()).toEqual([...BUILT_IN_LANGUAGES].sort());
  });

  it('each says its own code and every phrase of the English table, none more', async () => {
    for (const code of files) {
      const { default: table } = (await import(`../../elements/translations/${code}.ts`)) as { default: Record<string, unknown> };
      expect(table.$code, code).toBe(code);
      expect(Object.keys(table).filter((key) => key !== '$code').sort(), code).toEqual(Object.keys(en).sort());
    }
  });
});
