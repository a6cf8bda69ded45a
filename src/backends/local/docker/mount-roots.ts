/**
 * Host paths a container may mount must lie inside the operator's allowed roots (config
 * `allowedRoots`, default: the work directory). Symbolic links are resolved, as far as the path
 * exists, so a link inside a root cannot lead a mount outside it.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { FieldProblem } from '../../../errors.js';
import type { TaskSpec } from '../../../model/task.js';

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

/** True when `path` is `root` or below it (both already resolved). */
export function isInside(path: string, root: string): boolean {
  if (root === sep) return true;
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A problem for every mount of a v1 task whose host path is outside all roots. */
export function checkMountRoots(spec: TaskSpec, allowedRoots: readonly string[]): FieldProblem[] {
  // TES has no mounts of its own: those of a TES task are the server's (staged inputs and
  // outputs under the workdir), whose host paths the TES layer checked against the roots.
  if (spec.origin !== 'v1') return [];
  const roots = allowedRoots.map(realPathOf);
  const problems: FieldProblem[] = [];
  // A v1 task has one executor: its mounts are the request's container.mounts.
  spec.executors.forEach((executor) => {
    executor.mounts?.forEach((mount, m) => {
      const real = realPathOf(mount.host);
      if (roots.some((root) => isInside(real, root))) return;
      problems.push({
        field: `container.mounts[${m}].mount.host`,
        problem: `${mount.host} is outside the allowed roots (${allowedRoots.join(', ')}); the operator sets them with allowedRoots`,
      });
    });
  });
  return problems;
}
