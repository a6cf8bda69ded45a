/**
 * The operator's allowed roots: the only host directories a task may name (outputs, mounts, TES
 * files). A path is checked twice — as written, and as the file system resolves it (symbolic
 * links followed as far as the path exists), so a link inside a root cannot lead outside it. A
 * root may contain `{user}`, replaced by the task's owner (`/home/{user}`, `/data/{user}/jobs`).
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';

/** True when `path` (normalised) is one of `roots` or below one. */
export function isInsideRoots(path: string, roots: readonly string[]): boolean {
  const normal = posix.normalize(path);
  return roots.some(
    (root) =>
      normal === root || normal.startsWith(root === '/' ? root : `${root.replace(/\/$/, '')}/`),
  );
}

/** The path with symlinks resolved for its longest existing prefix. */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  let rest = '';
  for (;;) {
    try {
      const real = realpathSync(existing);
      return rest ? resolve(real, rest) : real;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      rest = rest ? join(basename(existing), rest) : basename(existing);
      existing = parent;
    }
  }
}

/** True when `user` can stand for one directory name (`{user}`): no `/`, NUL, `.` or `..`. */
export function isPlainName(user: string): boolean {
  return user !== '' && user !== '.' && user !== '..' && !/[/\0]/.test(user);
}

/**
 * The roots as they apply to `user`: `{user}` replaced. A root with `{user}` gives an owner
 * whose name is not a plain directory name (`../bob`) nothing: fail closed.
 */
export function rootsFor(user: string, roots: readonly string[]): string[] {
  return roots.flatMap((root) => {
    if (!root.includes('{user}')) return [root];
    return isPlainName(user) ? [root.replaceAll('{user}', user)] : [];
  });
}

/**
 * Why `path` is not allowed for `user`, or undefined when it is: inside a root as written and as
 * resolved.
 */
export function outsideRootsProblem(
  path: string,
  user: string,
  roots: readonly string[],
): string | undefined {
  const own = rootsFor(user, roots);
  if (!isInsideRoots(path, own)) {
    return `${path} is outside the allowed roots (${own.join(', ')}); the operator sets them with allowedRoots`;
  }
  const real = realPathOf(path);
  if (!isInsideRoots(real, own.map(realPathOf))) {
    return `${path} leads outside the allowed roots through a symbolic link (to ${real})`;
  }
  return undefined;
}
