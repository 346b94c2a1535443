/**
 * Numbers, bytes, speeds, durations and "… ago" through `Intl`, in the
 * element's language. Bytes are decimal (1 MB = 10^6 B), as container engines print them.
 */

/** The language that applies to `element`: the nearest `lang`, looking through shadow roots, else the browser's. */
export function langOf(element: Element): string {
  let node: Node | null = element;
  while (node !== null) {
    if (node instanceof HTMLElement && node.lang !== '') return node.lang;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return navigator.language;
}

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

/** Intl.NumberFormat for `options` in `lang`; a `lang` Intl does not accept (e.g. "xx-") falls back to the browser's language rather than throw in render. */
function numberFormat(lang: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(lang, options);
  } catch {
    return new Intl.NumberFormat(undefined, options);
  }
}

/** Intl.RelativeTimeFormat in `lang` ("yesterday" rather than "1 day ago"), falling back like {@link numberFormat}. */
function relativeTimeFormat(lang: string): Intl.RelativeTimeFormat {
  try {
    return new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  } catch {
    return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  }
}

export class Formatter {
  declare readonly lang: string;
  /** Each NumberFormat is made once: a pull bar formats some fourteen numbers per frame. */
  readonly #formats = new Map<string, Intl.NumberFormat>();
  #relative: Intl.RelativeTimeFormat | undefined;
  constructor(lang: string) {
    this.lang = lang;
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
    this.#relative ??= relativeTimeFormat(this.lang);
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
    if (format === undefined) this.#formats.set(key, (format = numberFormat(this.lang, options)));
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
