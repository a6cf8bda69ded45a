/**
 * Host paths a container may mount must lie inside the operator's allowed roots (config
 * `allowedRoots`, default: the work directory). Symbolic links are resolved, as far as the path
 * exists, so a link inside a root cannot lead a mount outside it.
 */
import { isInsideRoots, realPathOf, rootsFor } from '../../../model/allowed-roots.js';
import type { FieldProblem } from '../../../errors.js';
import type { TaskSpec } from '../../../model/task.js';

/** True when `path` is `root` or below it (both already resolved). */
export function isInside(path: string, root: string): boolean {
  return isInsideRoots(path, [root]);
}

/** A problem for every mount of a v1 task whose host path is outside all roots. */
export function checkMountRoots(spec: TaskSpec, allowedRoots: readonly string[]): FieldProblem[] {
  // TES has no mounts of its own: those of a TES task are the server's (staged inputs and
  // outputs under the workdir), whose host paths the TES layer checked against the roots.
  if (spec.origin !== 'v1') return [];
  // No mounts, nothing to check: the roots are not resolved (a realpath each) for nothing.
  if (!spec.executors.some((executor) => executor.mounts?.length)) return [];
  const roots = rootsFor(spec.user, allowedRoots).map(realPathOf);
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
