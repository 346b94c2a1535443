/**
 * The language of each element and its phrases. An element speaks the
 * language of its own `lang`, else of the nearest ancestor's (through shadow
 * roots), else the browser's; its numbers (format.ts) follow the same one.
 * English is built in; German, Spanish, French, Japanese and Simplified
 * Chinese are modules beside this one (translations/<code>.js, which the
 * server serves beside the bundle) imported on first use, so the bundle
 * carries English only. Until a table arrives the element speaks English;
 * then every element renders again, as it does when a `lang` attribute
 * changes (one MutationObserver for the page). registerTranslation() adds a
 * language or replaces single phrases.
 */
import type { ReactiveElement } from 'lit';
import { en, type Phrases, type Translation } from './messages.ts';

/** The languages of elements/translations/, by the first part of their tag ("zh": Simplified Chinese, also for zh-TW). */
export const BUILT_IN_LANGUAGES: readonly string[] = ['de', 'es', 'fr', 'ja', 'zh'];

/** Registered and loaded tables, by lowercase tag. */
const tables = new Map<string, Translation>();
/** The merged phrases of each `lang` asked for so far: rebuilt after a table arrives. */
const merged = new Map<string, Phrases>();
/** Built-in languages whose module has been asked for (once, loaded or not). */
const requested = new Set<string>();
/** The connected elements, rendered again when a language changes or arrives. */
const following = new Set<ReactiveElement>();
/** The page's one observer of `lang` attributes, made when the first element connects (it costs nothing while no `lang` changes). */
let langObserver: MutationObserver | undefined;

/** The language that applies to `element`: the nearest `lang`, looking through shadow roots, else the browser's. */
export function langOf(element: Element): string {
  let node: Node | null = element;
  while (node !== null) {
    if (node instanceof HTMLElement && node.lang !== '') return node.lang;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return navigator.language;
}

/**
 * Adds languages, or phrases to one: a table's phrases replace those
 * registered before for its `$code` (English too, with `$code: 'en'`); a
 * phrase it lacks is taken from the language of the tag's first part, else
 * from English. A built-in table that loads later does not replace them.
 * Elements on the page render again.
 */
export function registerTranslation(...translations: Translation[]): void {
  for (const translation of translations) add(translation, false);
  changed();
}

/** The phrases for `lang` (a tag as written in `lang`), asking for its built-in table the first time. */
export function phrasesFor(lang: string): Phrases {
  let phrases = merged.get(lang);
  if (phrases === undefined) {
    const full = lang.toLowerCase();
    const primary = full.split('-')[0]!;
    if (BUILT_IN_LANGUAGES.includes(primary) && !requested.has(primary)) load(primary);
    merged.set(lang, (phrases = { ...en, ...tables.get('en'), ...tables.get(primary), ...tables.get(full) }));
  }
  return phrases;
}

/** Renders `element` again whenever a language changes, until unfollowLanguage(). */
export function followLanguage(element: ReactiveElement): void {
  following.add(element);
  if (langObserver === undefined) (langObserver = new MutationObserver(changed)).observe(document.documentElement, { subtree: true, attributeFilter: ['lang'] });
}

export const unfollowLanguage = (element: ReactiveElement): boolean => following.delete(element);

/** `under`: a built-in table, which leaves the phrases registered before it in place. */
function add(translation: Translation, under: boolean): void {
  const code = translation.$code.toLowerCase();
  const before = tables.get(code);
  tables.set(code, under ? { ...translation, ...before } : { ...before, ...translation });
}

function changed(): void {
  merged.clear();
  for (const element of following) element.requestUpdate();
}

function load(code: string): void {
  requested.add(code);
  const url = new URL(`./translations/${code}.js`, import.meta.url).href;
  import(/* @vite-ignore */ url).then(
    (module: { default: Translation }) => {
      add(module.default, true);
      changed();
    },
    // Served without its translations (another host, a copied bundle): the elements go on in English.
    () => console.warn(`slotpull: ${url} did not load; English stays`),
  );
}
