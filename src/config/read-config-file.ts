/**
 * Reads a config file into flat `key → value` entries: Java-properties style (what the first
 * implementation read: `serveruri=http://localhost:9998/`) or JSON (the first non-space character
 * is `{`). Nested JSON objects become dotted keys (`{"local":{"cores":2}}` → `local.cores`).
 * Keys are not checked here; load-config.ts does that with each entry's source for its messages.
 */
import { readFileSync } from 'node:fs';

/** One setting as written somewhere, with where it was written (for error messages). */
export interface ConfigEntry {
  key: string;
  value: unknown;
  source: string;
}

/** Thrown when the file cannot be read or parsed; load-config.ts turns it into a ConfigError. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** Reads and parses a properties or JSON config file. */
export function readConfigFile(path: string): ConfigEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigFileError(`cannot read config file ${path}: ${reason}`);
  }
  // An editor may have written a byte-order mark; it is not part of the first key.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return text.trimStart().startsWith('{')
    ? parseJsonConfig(text, path)
    : parseProperties(text, path);
}

/** Flattens a JSON config: top-level keys, and one level of objects for framework options. */
export function parseJsonConfig(text: string, path: string): ConfigEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigFileError(`config file ${path} is not valid JSON: ${reason}`);
  }
  if (!isObject(parsed)) {
    throw new ConfigFileError(`config file ${path} must hold one JSON object`);
  }
  const entries: ConfigEntry[] = [];
  const source = `file ${path}`;
  for (const [key, value] of Object.entries(parsed)) {
    if (isObject(value)) {
      // Objects are only meaningful as a framework's options; load-config.ts checks the name.
      for (const [option, optionValue] of Object.entries(value)) {
        entries.push({ key: `${key}.${option}`, value: optionValue, source });
      }
    } else {
      entries.push({ key, value, source });
    }
  }
  return entries;
}

/**
 * Parses java.util.Properties text: `#`/`!` comments, `key=value`, `key: value` or `key value`,
 * backslash continuation lines and escapes (`\t`, `\n`, `\uXXXX`, `\=`). Unlike Java, trailing
 * whitespace of a value is dropped: a stray space after a URL should not break it.
 */
export function parseProperties(text: string, path: string): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const firstLine = i + 1;
    let logical = lines[i].trimStart();
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      i++;
      logical = logical.slice(0, -1) + lines[i].trimStart();
    }
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);
    const { key, value } = splitKeyValue(logical);
    entries.push({
      key: unescapeProperties(key),
      value: unescapeProperties(value).trimEnd(),
      source: `file ${path} line ${firstLine}`,
    });
  }
  return entries;
}

function endsWithOddBackslashes(line: string): boolean {
  const match = /\\+$/.exec(line);
  return match !== null && match[0].length % 2 === 1;
}

/** The key ends at the first unescaped `=`, `:` or whitespace; one `=`/`:` may follow spaces. */
function splitKeyValue(line: string): { key: string; value: string } {
  let end = 0;
  while (end < line.length) {
    const ch = line[end];
    if (ch === '\\') {
      end += 2;
      continue;
    }
    if (ch === '=' || ch === ':' || /\s/.test(ch)) break;
    end++;
  }
  const key = line.slice(0, end);
  let rest = line.slice(end).trimStart();
  // `key = value`: the separator may follow whitespace; only the first one is a separator.
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).trimStart();
  return { key, value: rest };
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeProperties(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return ESCAPES[escaped] ?? escaped;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
