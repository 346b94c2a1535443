/**
 * An element's language: its phrases (language.ts), and numbers, bytes,
 * speeds, durations, "… ago", plurals and lists through `Intl`. Bytes are
 * decimal (1 MB = 10^6 B), as container engines print them.
 */
import { langOf, phrasesFor } from './language.ts';
import type { Phrases, Plural } from './messages.ts';

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
/** Under a minute, an ETA moves in steps of this many seconds ("about 35 s"). */
const ETA_STEP_S = 5;

const SECONDS_PER_DAY = 86_400;
/** Units of "… ago": each used below the next one's size (the last, years, for anything longer). */
const AGO_UNITS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number, number]> = [
  ['minute', SECONDS_PER_MINUTE, SECONDS_PER_HOUR],
  ['hour', SECONDS_PER_HOUR, SECONDS_PER_DAY],
  ['day', SECONDS_PER_DAY, 30 * SECONDS_PER_DAY],
  ['month', 30 * SECONDS_PER_DAY, 365 * SECONDS_PER_DAY],
  ['year', 365 * SECONDS_PER_DAY, Infinity],
];

/** Short forms for the screen ("612 MB"), long forms for words ("612 megabytes"). */
export type Display = 'short' | 'long';

/** `make(lang)`; a `lang` Intl does not accept (e.g. "xx-") falls back to the browser's language rather than throw in render. */
function inLang<T>(make: (lang?: string) => T, lang: string): T {
  try {
    return make(lang);
  } catch {
    return make();
  }
}

export class Formatter {
  declare readonly lang: string;
  /** Each NumberFormat is made once: a pull bar formats some fourteen numbers per frame. */
  readonly #formats = new Map<string, Intl.NumberFormat>();
  #relative: Intl.RelativeTimeFormat | undefined;
  #plurals: Intl.PluralRules | undefined;
  #list: Intl.ListFormat | undefined;
  constructor(lang: string) {
    this.lang = lang;
  }

  /** The phrases of this language (English until its table has loaded). */
  get phrases(): Phrases {
    return phrasesFor(this.lang);
  }

  /** The words for `count` in the form its plural category takes: "2 more". */
  plural(forms: Plural, count: number): string {
    this.#plurals ??= inLang((lang) => new Intl.PluralRules(lang), this.lang);
    return (forms[this.#plurals.select(count)] ?? forms.other).replace('#', this.count(count));
  }

  /** "code, vision and chat". */
  list(items: readonly string[]): string {
    this.#list ??= inLang((lang) => new Intl.ListFormat(lang), this.lang);
    return this.#list.format(items);
  }

  /** A count: "9". */
  count(value: number): string {
    return this.#format('count', { maximumFractionDigits: 0 }, value);
  }

  /** A percentage of 0–100: "42%". */
  percent(value: number): string {
    return this.#format('percent', { style: 'percent', maximumFractionDigits: 0, roundingMode: 'floor' }, value / 100);
  }

  /** "612 MB", "1.5 GB"; `atLeast` rounds down, for totals that may still grow; a zero takes the unit of `zeroLike`. */
  bytes(value: number, display: Display = 'short', atLeast = false, zeroLike?: number): string {
    return this.#scaled(value, '', display, atLeast, zeroLike);
  }

  /** "24.5 MB/s". */
  speed(bytesPerSecond: number, display: Display = 'short'): string {
    return this.#scaled(bytesPerSecond, '-per-second', display);
  }

  /** A rough duration: "35 sec", "4 min", "1.5 hr" (the caller adds "about"). */
  duration(seconds: number, display: Display = 'short'): string {
    const s = Math.max(1, seconds);
    if (s < SECONDS_PER_MINUTE) return this.#unit('second', display, s < 10 ? Math.round(s) : Math.round(s / ETA_STEP_S) * ETA_STEP_S);
    if (s < SECONDS_PER_HOUR) return this.#unit('minute', display, Math.round(s / SECONDS_PER_MINUTE));
    return this.#unit('hour', display, s / SECONDS_PER_HOUR, 1);
  }

  /** How long something took, to the second: "12 sec", "4 min 12 sec", "1 hr 5 min". */
  elapsed(seconds: number, display: Display = 'short'): string {
    const s = Math.max(1, Math.round(seconds));
    if (s < SECONDS_PER_MINUTE) return this.#unit('second', display, s);
    if (s < SECONDS_PER_HOUR) {
      const rest = s % SECONDS_PER_MINUTE;
      const minutes = this.#unit('minute', display, Math.floor(s / SECONDS_PER_MINUTE));
      return rest === 0 ? minutes : `${minutes} ${this.#unit('second', display, rest)}`;
    }
    const minutes = Math.round((s % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
    const hours = this.#unit('hour', display, Math.floor(s / SECONDS_PER_HOUR));
    return minutes === 0 ? hours : `${hours} ${this.#unit('minute', display, minutes)}`;
  }

  /** How long ago, in the largest whole unit: "5 minutes ago", "yesterday", "3 days ago"; null under a minute. */
  ago(milliseconds: number): string | null {
    const seconds = Math.max(0, milliseconds) / 1000;
    if (seconds < SECONDS_PER_MINUTE) return null;
    const [unit, size] = AGO_UNITS.find(([, size, below]) => seconds < below) ?? AGO_UNITS[AGO_UNITS.length - 1]!;
    this.#relative ??= inLang((lang) => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }), this.lang);
    return this.#relative.format(-Math.floor(seconds / size), unit);
  }

  /** Bytes (`per` '') or bytes per second (`per` '-per-second') in the largest unit under 1000. */
  #scaled(value: number, per: string, display: Display, atLeast = false, zeroLike = 0): string {
    const scaled = Math.max(0, value);
    let basis = scaled > 0 ? scaled : zeroLike;
    let unit = 0;
    while (basis >= 1000 && unit < BYTE_UNITS.length - 1) {
      basis /= 1000;
      unit += 1;
    }
    const inUnit = scaled / 1000 ** unit;
    return this.#unit(`${BYTE_UNITS[unit]}${per}`, display, inUnit, inUnit < 100 && unit > 0 ? 1 : 0, atLeast);
  }

  #unit(unit: string, unitDisplay: Display, value: number, fractionDigits = 0, floor = false): string {
    const options: Intl.NumberFormatOptions = { style: 'unit', unit, unitDisplay, maximumFractionDigits: fractionDigits, roundingMode: floor ? 'floor' : 'halfExpand' };
    return this.#format(`${unit} ${unitDisplay} ${fractionDigits} ${floor}`, options, value);
  }

  /** `value` through the NumberFormat for `options`, which `key` names. */
  #format(key: string, options: Intl.NumberFormatOptions, value: number): string {
    let format = this.#formats.get(key);
    if (format === undefined) this.#formats.set(key, (format = inLang((lang) => new Intl.NumberFormat(lang, options), this.lang)));
    return format.format(value);
  }
}

const formatters = new Map<string, Formatter>();

/** The Formatter of `element`'s language (one per language on the page). */
export function formatterFor(element: Element): Formatter {
  const lang = langOf(element);
  let formatter = formatters.get(lang);
  if (formatter === undefined) formatters.set(lang, (formatter = new Formatter(lang)));
  return formatter;
}
