/**
 * What the kubernetes framework refuses at submit (400 naming the field): an executor without a
 * command (the image's own entrypoint is not known here), a mount of a host path outside the
 * allowed roots, or of a PersistentVolumeClaim the operator did not list.
 */
import type { FieldProblem } from '../../errors.js';
import { outsideRootsProblem } from '../../model/allowed-roots.js';
import type { TaskSpec } from '../../model/task.js';
import { claimOf } from './job-spec.js';

const CLAIM_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function checkKubernetesTask(
  spec: TaskSpec,
  allowedRoots: readonly string[],
  allowedClaims: readonly string[],
): FieldProblem[] {
  const v1 = spec.origin === 'v1';
  const problems: FieldProblem[] = [];
  spec.executors.forEach((executor, i) => {
    if (executor.command.length === 0) {
      problems.push({
        field: v1 ? 'container.cmd' : `executors[${i}].command`,
        problem: "is required on kubernetes: the image's own command is not known here",
      });
    }
    // TES mounts are the server's own (the task's staged files), checked by the TES layer.
    if (!v1) return;
    executor.mounts?.forEach((mount, m) => {
      const field = `container.mounts[${m}].mount.host`;
      const claim = claimOf(mount.host);
      if (claim) {
        if (!CLAIM_NAME.test(claim.claim) || claim.subPath.split('/').includes('..')) {
          problems.push({ field, problem: `${mount.host} is not /pvc:NAME[/sub/path]` });
        } else if (!allowedClaims.includes(claim.claim)) {
          problems.push({
            field,
            problem: `the claim ${claim.claim} is not in kubernetes.allowedClaims (${allowedClaims.join(', ') || 'none'})`,
          });
        }
        return;
      }
      const outside = outsideRootsProblem(mount.host, spec.user, allowedRoots);
      if (outside) problems.push({ field, problem: outside });
    });
  });
  return problems;
}
