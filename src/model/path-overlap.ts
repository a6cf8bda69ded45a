/**
 * Whether two host paths overlap: one is the other or lies below it. The server's private state
 * must overlap nothing a request can name, and a TES input's url must not overlap its path (a
 * copy onto itself or into its own source would change the long-term storage the url names).
 */
import { posix } from 'node:path';

/** `path` normalised, without a trailing slash (except for `/`). */
function normal(path: string): string {
  const n = posix.normalize(path);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  const a = normal(inner);
  const b = normal(outer);
  return a === b || a.startsWith(b === '/' ? '/' : `${b}/`);
}

/** True when either path is the other or lies below it. */
export function pathsOverlap(a: string, b: string): boolean {
  return isWithin(a, b) || isWithin(b, a);
}

/**
 * The fixed part of an allowed root: `/data/{user}/jobs` → `/data` (any owner's root lies below
 * it), a root without `{user}` as it is.
 */
export function fixedPrefixOf(root: string): string {
  const at = root.indexOf('{user}');
  if (at < 0) return root;
  const prefix = root.slice(0, at);
  return prefix.endsWith('/') ? prefix.slice(0, -1) || '/' : posix.dirname(prefix);
}
