/**
 * POSIX pattern matching (IEEE Std 1003.1-2017, 2.13, "Pattern Matching Notation") for TES output
 * paths with wildcards: `*`, `?`, bracket expressions (`[a-z]`, `[!0-9]`, `[[:alpha:]]`) and `\`
 * escapes, one path segment at a time; a leading `.` of a name must be matched explicitly and `/`
 * is never matched by a wildcard.
 */
import { readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';

const CHARACTER_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A bracket expression starting at `pattern[start] === '['`: its regex and where it ends. */
function readBracket(pattern: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  let body = '';
  let first = true;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === ']' && !first) return { source: `[${negated ? '^/' : ''}${body}]`, end: i };
    first = false;
    const classMatch = /^\[:([a-z]+):\]/.exec(pattern.slice(i));
    if (classMatch && CHARACTER_CLASSES[classMatch[1]!] !== undefined) {
      body += CHARACTER_CLASSES[classMatch[1]!];
      i += classMatch[0].length;
      continue;
    }
    if (char === '-' && body !== '' && pattern[i + 1] !== ']') body += '-';
    else body += escapeRegExp(char === '\\' && i + 1 < pattern.length ? pattern[++i]! : char);
    i++;
  }
  return undefined; // No closing bracket: the '[' is an ordinary character.
}

/** The RegExp one path segment's pattern compiles to (anchored; never matches '/'). */
export function segmentToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const bracket = readBracket(pattern, i);
      if (bracket) {
        source += bracket.source;
        i = bracket.end;
      } else source += '\\[';
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

/** True when a segment has an unescaped `*`, `?` or `[`. */
function isPattern(segment: string): boolean {
  return /(^|[^\\])(\\\\)*[*?[]/.test(segment);
}

/** A literal segment with its escapes removed. */
function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

/** True when `name` matches one segment pattern, with POSIX's rule for a leading period. */
export function matchSegment(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !/^\\?\./.test(pattern)) return false;
  return segmentToRegExp(pattern).test(name);
}

/**
 * Every existing path that the absolute `pattern` matches, sorted. With `root`, the pattern names
 * paths below it (a container's paths kept on the host), and the matches are given the same way.
 */
export async function expandPattern(pattern: string, root = '/'): Promise<string[]> {
  let paths = ['/'];
  for (const segment of pattern.split('/').filter((s) => s !== '')) {
    if (!isPattern(segment)) {
      paths = paths.map((p) => join(p, unescape(segment)));
      continue;
    }
    const next: string[] = [];
    for (const dir of paths) {
      const names = await readdir(join(root, dir)).catch(() => [] as string[]);
      for (const name of names) if (matchSegment(segment, name)) next.push(join(dir, name));
    }
    paths = next;
  }
  const exists = (p: string) =>
    lstat(join(root, p)).then(
      () => p,
      () => undefined,
    );
  const existing = await Promise.all(paths.map(exists));
  return existing.filter((p): p is string => p !== undefined).sort();
}
