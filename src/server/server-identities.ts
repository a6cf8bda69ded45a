/** Who tasks run as, checked at start: identity settings, the work directory's reach, owners. */
import type { Logger } from 'pino';
import { ConfigError } from '../config/load-config.js';
import type { IdentityPool } from '../backends/identity-pool.js';
import { canSwitchUsers, resolveRunAs, type RunAsOptions } from '../backends/run-as.js';
import type { Store } from '../store/store.js';
import { taskPasser } from '../core/identity/task-passer.js';
import { unreachableProblem } from '../core/identity/reach-check.js';
import {
  createIdentityPool,
  identityProblems,
  type IdentitySetting,
} from '../core/identity/task-identities.js';

/** Refuses identity settings that would let owners share one, and makes the identity pool. */
export function setUpIdentities(
  framework: string,
  options: Record<string, unknown>,
  authenticated: boolean,
  store: Store,
  log: Logger,
): IdentityPool | undefined {
  const setting = options as unknown as IdentitySetting;
  const problems = identityProblems(framework, setting, {
    authenticated,
    poolSupported: 'uidRange' in options,
  });
  if (problems.length > 0) throw new ConfigError(problems);
  if (canSwitchUsers() && setting.runAs === 'root') {
    log.warn(`${framework}.runAs=root: tasks run as root, with the server's own rights`);
  }
  return createIdentityPool(setting, store.identities);
}

/**
 * Stops a batch framework whose jobs' users cannot reach the work directory (every job would
 * fail); on this machine, says so (tasks still start: they enter their directory as root first).
 */
export function checkWorkdirReach(
  workdir: string,
  setting: IdentitySetting,
  onCluster: boolean,
  log: Logger,
): void {
  const who = taskPasser(setting);
  const problem = who && unreachableProblem(workdir, who);
  if (!problem) return;
  if (onCluster) throw new ConfigError([problem]);
  log.warn(`${problem}; TES paths and outputs under it will fail`);
}

/**
 * Who a task's output files belong to when the server switches users: the task's identity, or
 * the server itself for runAs=root; undefined when it does not switch (all files are its own).
 */
export function outputOwnerOf(
  options: Record<string, unknown>,
  pool: IdentityPool | undefined,
): ((owner: string) => number | undefined) | undefined {
  if (!canSwitchUsers()) return undefined;
  const runAs = options as unknown as RunAsOptions;
  return (owner) => resolveRunAs(owner, runAs, pool).identity?.uid ?? process.getuid!();
}
