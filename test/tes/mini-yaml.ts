/**
 * A YAML reader for the subset the pinned OpenAPI files use (block mappings and sequences, plain
 * and quoted scalars, `|`/`>` block scalars, one-line flow collections, comments). It exists so
 * the contract tests can derive the TES schemas without a YAML dependency; it throws on what it
 * does not understand rather than guess.
 */

export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  number: number;
  indent: number;
  text: string;
}

/** Parses one YAML document. */
export function parseYaml(source: string): YamlValue {
  const lines: Line[] = source.split(/\r?\n/).map((raw, i) => ({
    number: i + 1,
    indent: raw.length - raw.trimStart().length,
    text: raw.trim(),
  }));
  const reader = new BlockReader(lines);
  const value = reader.node(0);
  reader.skipBlank();
  if (reader.at < lines.length) reader.fail(`unexpected content`);
  return value;
}

class BlockReader {
  at = 0;
  constructor(private readonly lines: Line[]) {}

  fail(problem: string): never {
    const line = this.lines[Math.min(this.at, this.lines.length - 1)]!;
    throw new Error(`YAML line ${line.number}: ${problem}: ${line.text}`);
  }

  /** Skips blank and comment-only lines. */
  skipBlank(): void {
    while (this.at < this.lines.length) {
      const { text } = this.lines[this.at]!;
      if (text !== '' && !text.startsWith('#')) return;
      this.at++;
    }
  }

  /** The node starting at the next content line, which must be indented at least `minIndent`. */
  node(minIndent: number): YamlValue {
    this.skipBlank();
    const line = this.lines[this.at];
    if (!line || line.indent < minIndent) return null;
    return isSequenceItem(line.text) ? this.sequence(line.indent) : this.mapping(line.indent);
  }

  sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (this.skipBlank(); this.at < this.lines.length; this.skipBlank()) {
      const line = this.lines[this.at]!;
      if (line.indent !== indent || !isSequenceItem(line.text)) break;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.at++;
        items.push(this.node(indent + 1));
      } else if (splitKey(rest) !== undefined) {
        // "- key: value": a mapping whose first line starts after the dash.
        this.lines[this.at] = { ...line, indent: indent + line.text.indexOf(rest), text: rest };
        items.push(this.mapping(this.lines[this.at]!.indent));
      } else {
        this.at++;
        items.push(this.inlineValue(rest, indent));
      }
    }
    return items;
  }

  mapping(indent: number): { [key: string]: YamlValue } {
    const map: { [key: string]: YamlValue } = {};
    for (this.skipBlank(); this.at < this.lines.length; this.skipBlank()) {
      const line = this.lines[this.at]!;
      if (line.indent < indent) break;
      if (line.indent > indent || isSequenceItem(line.text)) this.fail('bad indentation');
      const split = splitKey(line.text);
      if (!split) this.fail('expected "key: value"');
      this.at++;
      const [key, rest] = split;
      if (Object.hasOwn(map, key)) this.fail(`duplicate key "${key}"`);
      map[key] = this.value(rest, indent);
    }
    return map;
  }

  /** The value after "key:" on a line indented `indent`. */
  value(rest: string, indent: number): YamlValue {
    if (rest === '' || rest.startsWith('#')) {
      this.skipBlank();
      const next = this.lines[this.at];
      // A sequence may sit at its key's own indentation.
      if (next && next.indent === indent && isSequenceItem(next.text)) return this.sequence(indent);
      return this.node(indent + 1);
    }
    const block = /^([|>])([+-]?)\s*(#.*)?$/.exec(rest);
    if (block) return this.blockScalar(block[1] === '>', block[2]!, indent);
    return this.inlineValue(rest, indent);
  }

  /** A scalar or flow collection, with plain scalars continued on more-indented lines. */
  inlineValue(text: string, indent: number): YamlValue {
    if (text.startsWith('[') || text.startsWith('{'))
      return new FlowReader(text, () => this.fail('bad flow collection')).whole();
    if (text.startsWith('"') || text.startsWith("'"))
      return new FlowReader(text, () => this.fail('bad quoted scalar')).whole();
    let plain = stripComment(text);
    while (this.at < this.lines.length) {
      const next = this.lines[this.at]!;
      if (next.text === '' || next.indent <= indent) break;
      if (/:(\s|$)/.test(next.text)) this.fail('a plain scalar cannot go on with ": "');
      plain += ` ${stripComment(next.text)}`;
      this.at++;
    }
    return plainScalar(plain);
  }

  blockScalar(folded: boolean, chomping: string, indent: number): string {
    const body: Line[] = [];
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      if (line.text !== '' && line.indent <= indent) break;
      body.push(line);
      this.at++;
    }
    while (body.length > 0 && body[body.length - 1]!.text === '') body.pop();
    const blockIndent = Math.min(...body.filter((l) => l.text !== '').map((l) => l.indent));
    const texts = body.map((l) =>
      l.text === '' ? '' : ' '.repeat(l.indent - blockIndent) + l.text,
    );
    let text = folded ? fold(texts) : texts.join('\n');
    if (chomping !== '-' && text !== '') text += '\n';
    return text;
  }
}

/**
 * Folded scalars: a line break between two lines becomes a space; a break before blank lines is
 * dropped and each blank line is a newline; breaks next to more-indented lines are kept.
 */
function fold(texts: string[]): string {
  let out = texts[0] ?? '';
  let lastText = out;
  let blanks = 0;
  for (const text of texts.slice(1)) {
    if (text === '') {
      blanks++;
      continue;
    }
    const indented = text.startsWith(' ') || lastText.startsWith(' ');
    out += blanks > 0 ? '\n'.repeat(blanks + (indented ? 1 : 0)) : indented ? '\n' : ' ';
    out += text;
    lastText = text;
    blanks = 0;
  }
  return out;
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** "key: rest" → [key, rest]; quoted keys are unquoted. undefined when the line is no pair. */
function splitKey(text: string): [string, string] | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const reader = new FlowReader(text, () => undefined);
    const key = reader.quoted();
    const after = text.slice(reader.at).trimStart();
    if (typeof key !== 'string' || !after.startsWith(':')) return undefined;
    return [key, after.slice(1).trim()];
  }
  if (text.startsWith('[') || text.startsWith('{')) return undefined;
  const match = /^(.*?):(?:\s+(.*)|$)/.exec(text);
  return match ? [match[1]!.trim(), (match[2] ?? '').trim()] : undefined;
}

function stripComment(text: string): string {
  const at = text.search(/\s#/);
  return at === -1 ? text : text.slice(0, at).trimEnd();
}

/** YAML 1.2 core schema: null, booleans, numbers; everything else is a string. */
function plainScalar(text: string): YamlValue {
  if (/^(~|null|Null|NULL)?$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(\d+|\d*\.\d+|\d+\.\d*)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

/** One-line flow collections and quoted scalars. */
class FlowReader {
  at = 0;
  constructor(
    private readonly text: string,
    private readonly onError: () => void,
  ) {}

  fail(): never {
    this.onError();
    throw new Error(`YAML: cannot read "${this.text}"`);
  }

  whole(): YamlValue {
    const value = this.value();
    this.space();
    if (this.at < this.text.length && !this.text.slice(this.at).startsWith('#')) this.fail();
    return value;
  }

  space(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  value(): YamlValue {
    this.space();
    const char = this.text[this.at];
    if (char === '[') return this.list();
    if (char === '{') return this.map();
    if (char === '"' || char === "'") return this.quoted();
    const start = this.at;
    while (this.at < this.text.length && !',]}'.includes(this.text[this.at]!)) {
      if (this.text[this.at] === ':' && this.text[this.at + 1] === ' ') break;
      this.at++;
    }
    return plainScalar(this.text.slice(start, this.at).trim());
  }

  list(): YamlValue[] {
    const items: YamlValue[] = [];
    this.at++;
    for (this.space(); this.text[this.at] !== ']'; this.space()) {
      items.push(this.value());
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ']') this.fail();
    }
    this.at++;
    return items;
  }

  map(): { [key: string]: YamlValue } {
    const map: { [key: string]: YamlValue } = {};
    this.at++;
    for (this.space(); this.text[this.at] !== '}'; this.space()) {
      const key = this.value();
      this.space();
      if (this.text[this.at] !== ':') this.fail();
      this.at++;
      map[String(key)] = this.value();
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') this.fail();
    }
    this.at++;
    return map;
  }

  quoted(): string {
    const quote = this.text[this.at]!;
    let out = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const char = this.text[this.at]!;
      if (quote === "'" && char === "'") {
        if (this.text[this.at + 1] !== "'") return (this.at++, out);
        out += "'";
        this.at++;
      } else if (quote === '"' && char === '"') {
        this.at++;
        return out;
      } else if (quote === '"' && char === '\\') {
        const escape = this.text[++this.at]!;
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          '"': '"',
          '\\': '\\',
          '/': '/',
          r: '\r',
          '0': '\0',
        };
        if (escape === 'u') {
          out += String.fromCharCode(parseInt(this.text.slice(this.at + 1, this.at + 5), 16));
          this.at += 4;
        } else if (simple[escape] !== undefined) out += simple[escape];
        else this.fail();
      } else out += char;
    }
    return this.fail();
  }
}
