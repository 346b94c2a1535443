/**
 * A strict reading of the Prometheus text format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): the npm parser of
 * this format (parse-prometheus-text-format) takes `a b` or `garbage line
 * here` as samples, so tests check the grammar here. Every line is a HELP,
 * a TYPE, a comment, blank or a sample; a family's TYPE comes before its
 * samples, once; a family's samples are together; no sample twice; a
 * histogram's buckets grow and end at +Inf with the count. Throws naming
 * the line; gives the families and each sample's value.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Exposition {
  /** Each family's TYPE (untyped when it has none). */
  types: Map<string, MetricType>;
  /** Each sample's value by its key: `name{a="x",b="y"}`, labels sorted by name. */
  samples: Map<string, number>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
/** A label value: any characters but `"`, `\` and a newline, or the escapes `\\`, `\"`, `\n`. */
const LABEL_VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*';
const LABEL = `(${LABEL_NAME})="(${LABEL_VALUE})"`;
const VALUE = '[+-]?(?:Inf|NaN|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL},)*(?:${LABEL})?)\\})? (${VALUE})(?: (-?\\d+))?$`);
const HELP = new RegExp(`^# HELP (${NAME}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIRS = new RegExp(LABEL, 'g');
const FAMILY_SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function readExposition(text: string): Exposition {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const types = new Map<string, MetricType>();
  const samples = new Map<string, number>();
  const done = new Set<string>();
  let current: string | null = null;
  const enter = (family: string, line: number): void => {
    if (family === current) return;
    if (done.has(family)) throw new Error(`line ${line}: the samples of ${family} are not together`);
    if (current !== null) done.add(current);
    current = family;
  };
  text
    .split('\n')
    .slice(0, -1)
    .forEach((content, index) => {
      const line = index + 1;
      if (content === '') return;
      if (content.startsWith('# TYPE ')) {
        const type = TYPE.exec(content);
        if (type === null) throw new Error(`line ${line}: not a TYPE line: ${content}`);
        const [, name, kind] = type as unknown as [string, string, MetricType];
        if (types.has(name)) throw new Error(`line ${line}: a second TYPE for ${name}`);
        if (done.has(name) || current === name) throw new Error(`line ${line}: the TYPE of ${name} after its samples`);
        types.set(name, kind);
        enter(name, line);
        return;
      }
      if (content.startsWith('# HELP ')) {
        if (HELP.exec(content) === null) throw new Error(`line ${line}: not a HELP line: ${content}`);
        return;
      }
      if (content.startsWith('#')) return;
      const sample = SAMPLE.exec(content);
      if (sample === null) throw new Error(`line ${line}: not a sample: ${content}`);
      const name = sample[1] as string;
      const family = familyOf(name, types);
      enter(family, line);
      const labels = [...(sample[2] ?? '').matchAll(LABEL_PAIRS)].map(([, label, value]) => [label as string, value as string] as const);
      if (new Set(labels.map(([label]) => label)).size !== labels.length) throw new Error(`line ${line}: a label twice: ${content}`);
      const key = sampleKey(name, Object.fromEntries(labels));
      if (samples.has(key)) throw new Error(`line ${line}: the sample ${key} twice`);
      samples.set(key, sampleValue(sample[sample.length - 2] as string));
    });
  for (const [name, type] of types) if (type === 'histogram') checkHistogram(name, samples);
  return { types, samples };
}

/** The key of one sample in {@link Exposition.samples}. */
export function sampleKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, value]) => `${label}="${value}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/** `+Inf`, `-Inf` and `NaN` as the format writes them, or a float. */
function sampleValue(text: string): number {
  if (/^\+?Inf$/.test(text)) return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The family a sample belongs to: a declared name it equals, or one with a suffix its type allows. */
function familyOf(name: string, types: ReadonlyMap<string, MetricType>): string {
  for (const [family, type] of types) {
    if (FAMILY_SUFFIXES[type].some((suffix) => name === `${family}${suffix}`)) return family;
  }
  return name;
}

/** Per label set: buckets by growing `le`, counts that never go down, +Inf last and equal to `_count`. */
function checkHistogram(name: string, samples: ReadonlyMap<string, number>): void {
  const series = new Map<string, Array<[le: number, count: number]>>();
  for (const [key, value] of samples) {
    if (!key.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]*)"/.exec(key)?.[1];
    if (le === undefined) throw new Error(`${key}: a bucket without le`);
    const rest = key.slice(`${name}_bucket`.length).replace(/,?le="[^"]*"/, '').replace('{,', '{');
    series.set(rest, [...(series.get(rest) ?? []), [le === '+Inf' ? Infinity : Number(le), value]]);
  }
  for (const [rest, buckets] of series) {
    const sorted = [...buckets].sort(([a], [b]) => a - b);
    sorted.reduce((previous, [le, count]) => {
      if (count < previous) throw new Error(`${name}${rest}: the bucket le=${le} counts less than the one before`);
      return count;
    }, 0);
    const last = sorted.at(-1);
    const count = samples.get(`${name}_count${rest === '{}' ? '' : rest}`);
    if (last?.[0] !== Infinity || last[1] !== count) throw new Error(`${name}${rest}: no +Inf bucket equal to _count (${count})`);
  }
}
