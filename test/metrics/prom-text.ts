/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * HELP, TYPE, comment or sample line as the format defines them; families are contiguous, TYPE
 * comes before a family's samples, no series repeats, histograms are cumulative and end in +Inf
 * equal to their _count. Anything else throws, naming the line.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
// The values Go's strconv.ParseFloat reads (Prometheus parses with it): decimal numbers and,
// in any letter case, Inf / Infinity / NaN (prom-client writes "Nan").
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

function fail(lineNumber: number, line: string, problem: string): never {
  throw new Error(`metrics line ${lineNumber}: ${problem}: ${JSON.stringify(line)}`);
}

function parseFloatStrict(text: string, lineNumber: number, line: string): number {
  if (!FLOAT.test(text)) fail(lineNumber, line, `"${text}" is not a float`);
  if (/inf/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return /nan/i.test(text) ? NaN : Number(text);
}

/** Reads `{a="x",b="y"}` from the start of `text`; returns the labels and the rest. */
function readLabels(
  text: string,
  lineNumber: number,
  line: string,
): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const equals = text.indexOf('=', i);
    if (equals === -1) fail(lineNumber, line, 'label without "="');
    const name = text.slice(i, equals);
    if (!LABEL_NAME.test(name)) fail(lineNumber, line, `bad label name "${name}"`);
    if (name in labels) fail(lineNumber, line, `label ${name} repeated`);
    if (text[equals + 1] !== '"') fail(lineNumber, line, 'label value not quoted');
    let value = '';
    let j = equals + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const escaped = text[++j];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else fail(lineNumber, line, `bad escape \\${escaped}`);
      } else if (text[j] === '\n') {
        fail(lineNumber, line, 'raw newline in a label value');
      } else value += text[j];
    }
    if (j >= text.length) fail(lineNumber, line, 'unterminated label value');
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(lineNumber, line, 'expected "," or "}" after a label');
  }
}

/** The family a sample name belongs to, given the declared types. */
function familyOf(name: string, types: Map<string, MetricType>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = types.get(base);
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return name;
}

const seriesKey = (sample: Sample): string =>
  `${sample.name}{${Object.keys(sample.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(sample.labels[k])}`)
    .join(',')}}`;

/** Parses a whole exposition; throws on the first violation. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n'))
    throw new Error('metrics text must end with a newline');
  const families = new Map<string, Family>();
  const types = new Map<string, MetricType>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, lineNumber: number, line: string): Family => {
    if (current !== name) {
      if (closed.has(name)) fail(lineNumber, line, `family ${name} is not contiguous`);
      if (current) closed.add(current);
      current = name;
    }
    let family = families.get(name);
    if (!family) {
      family = { name, type: types.get(name) ?? 'untyped', samples: [] };
      families.set(name, family);
    }
    return family;
  };
  text.split('\n').forEach((line, index) => {
    const lineNumber = index + 1;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest = ''] = match;
      if (!METRIC_NAME.test(name!)) fail(lineNumber, line, `bad metric name "${name}"`);
      const family = enter(name!, lineNumber, line);
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest)) fail(lineNumber, line, `unknown type "${rest}"`);
        if (types.has(name!)) fail(lineNumber, line, `second TYPE for ${name}`);
        if (family.samples.length > 0) fail(lineNumber, line, `TYPE after samples of ${name}`);
        types.set(name!, rest as MetricType);
        family.type = rest as MetricType;
      } else {
        if (family.help !== undefined) fail(lineNumber, line, `second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, '')))
          fail(lineNumber, line, 'bad escape in HELP');
        family.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) fail(lineNumber, line, 'not a sample line');
    const name = nameMatch[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = readLabels(rest, lineNumber, line));
    const fields = rest.split(' ');
    if (fields[0] !== '' || fields.length < 2 || fields.length > 3) {
      fail(lineNumber, line, 'expected one space, a value and an optional timestamp');
    }
    const value = parseFloatStrict(fields[1]!, lineNumber, line);
    if (fields[2] !== undefined && !/^-?\d+$/.test(fields[2]))
      fail(lineNumber, line, 'bad timestamp');
    const family = enter(familyOf(name, types), lineNumber, line);
    const sample = { name, labels, value };
    const key = seriesKey(sample);
    if (series.has(key)) fail(lineNumber, line, `series ${key} repeated`);
    series.add(key);
    if (family.type === 'counter' && !(value >= 0)) fail(lineNumber, line, 'negative counter');
    if (family.type === 'histogram' && name.endsWith('_bucket') && !('le' in labels)) {
      fail(lineNumber, line, 'bucket without le');
    }
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** Buckets per series are cumulative, end at +Inf, and +Inf equals _count. */
function checkHistogram(family: Family): void {
  const bySeries = new Map<string, { le: number; value: number }[]>();
  for (const sample of family.samples.filter((s) => s.name.endsWith('_bucket'))) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const buckets = bySeries.get(key) ?? [];
    buckets.push({ le: le === '+Inf' ? Infinity : Number(le), value: sample.value });
    bySeries.set(key, buckets);
  }
  for (const [key, buckets] of bySeries) {
    buckets.sort((a, b) => a.le - b.le);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.value < buckets[i - 1]!.value) {
        throw new Error(`${family.name}${key}: buckets are not cumulative`);
      }
    }
    const last = buckets[buckets.length - 1]!;
    if (last.le !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    const count = family.samples.find(
      (s) =>
        s.name === `${family.name}_count` &&
        JSON.stringify(Object.entries(s.labels).sort()) === key,
    );
    if (!count || count.value !== last.value) {
      throw new Error(`${family.name}${key}: +Inf bucket differs from _count`);
    }
  }
}

/** The value of the sample `name` whose labels include `labels` (0 when there is none). */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
    }
  }
  return 0;
}
