/**
 * Text in request bodies that no field may hold: bytes that are not UTF-8, lone UTF-16
 * surrogates (`"a\ud800"` in JSON), NUL, and XML
 * character or entity references that are undefined or out of range (`&foo;`, `&#0;`,
 * `&#x110000;`). Each is refused with a 400 naming the field, never stored as it came.
 */
import { invalidTask } from '../errors.js';
import { malformedBody } from './error-handler.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as text; bytes that are not UTF-8 are a 400 with the offset of the first one. */
export function decodeUtf8(body: Buffer, format: string): string {
  try {
    return UTF8.decode(body);
  } catch {
    const offset = firstInvalidUtf8(body);
    throw malformedBody(format, `the body is not valid UTF-8 (at byte ${offset})`);
  }
}

/** Offset of the first byte that starts no valid UTF-8 sequence (found by halving). */
function firstInvalidUtf8(body: Buffer): number {
  let low = 0;
  let high = body.length;
  // Largest prefix that decodes, allowing a sequence cut at its end.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

/** NUL ends a C string: a path or argument holding one would be cut short where it is used. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const FORBIDDEN_CHAR = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one string, if anything. */
export function textProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not a character)';
  const bad = FORBIDDEN_CHAR.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `contains the character U+${code}${code === '0000' ? ' (NUL)' : ''}`;
  }
  return undefined;
}

function keyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** The first key or string anywhere in a parsed body that holds bad text, with its path. */
export function findBadText(root: unknown): { field: string; problem: string } | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { field: path || 'body', problem };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, keyPath(path, i)]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) return { field: keyPath(path, key), problem: `its name ${problem}` };
        stack.push([item, keyPath(path, key)]);
      }
    }
  }
  return undefined;
}

/**
 * Refuses a parsed body with bad text in any key or string: 400 INVALID_TASK naming the field
 * (the only bodies the server reads are tasks).
 */
export function checkBodyText(value: unknown): void {
  const bad = findBadText(value);
  if (bad) throw invalidTask([bad]);
}

const BUILT_IN_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

/** Whether a code point is an XML 1.0 Char. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The element whose content holds position `index` of an XML text (its last open tag). */
function elementAt(text: string, index: number): string {
  const opens = [...text.slice(0, index).matchAll(/<([A-Za-z_][\w.-]*)[^>]*>/g)];
  return opens.at(-1)?.[1] ?? 'body';
}

/** Refuses references that are undefined (`&foo;`) or name no XML character (`&#0;`). */
export function checkXmlReferences(text: string): void {
  for (const match of text.matchAll(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g)) {
    const name = match[1]!;
    let problem: string | undefined;
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!isXmlChar(code)) problem = `the character reference &${name}; names no XML character`;
    } else if (!BUILT_IN_ENTITIES.has(name)) {
      problem = `the entity &${name}; is not defined (only &lt; &gt; &amp; &quot; &apos;)`;
    }
    if (problem) throw malformedBody('XML', problem, elementAt(text, match.index));
  }
}
