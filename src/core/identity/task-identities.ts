/**
 * Start-up decisions about who tasks run as (src/backends/run-as.ts): refuses configurations
 * that would let owners share an identity while users are told apart by tokens, or that ask for
 * a pool the framework cannot give, and makes the identity pool over the store.
 */
import { canSwitchUsers, isSharedIdentity, type RunAsOptions } from '../../backends/run-as.js';
import { IdentityPool, parseUidRange } from '../../backends/identity-pool.js';
import type { IdentityRecords } from '../../store/store.js';

export interface IdentitySetting extends RunAsOptions {
  uidRange?: string;
  sharedIdentity?: boolean;
}

/** Why the framework's identity settings cannot be used as they are (empty: they can). */
export function identityProblems(
  framework: string,
  options: IdentitySetting,
  facts: { authenticated: boolean; poolSupported: boolean },
): string[] {
  // A framework without runAs (kubernetes) always gives owners pool uids of their own.
  if (!canSwitchUsers() || options.runAs === undefined) return [];
  const key = (name: string): string => `${framework}.${name}`;
  const problems: string[] = [];
  if (options.runAs === 'pool') {
    if (!facts.poolSupported) {
      problems.push(
        `${key('runAs')}=pool: the ${framework} framework runs jobs on other machines, where a ` +
          `pool uid has no account; use runAs=owner with accounts, or userMap`,
      );
    } else {
      const range = parseUidRange(options.uidRange ?? '');
      if ('problem' in range) problems.push(`${key('uidRange')}: ${range.problem}`);
    }
  }
  if (facts.authenticated && isSharedIdentity(options) && !options.sharedIdentity) {
    problems.push(
      `${key('runAs')}=${options.runAs} runs every owner's tasks as one Unix identity, so one ` +
        `user's task could read another's files and kill its processes, although tokens tell ` +
        `the users apart. Use ${key('runAs')}=${facts.poolSupported ? 'pool (or owner)' : 'owner'}` +
        `, or set ${key('sharedIdentity')}=true to accept one shared identity`,
    );
  }
  return problems;
}

/** The pool runAs=pool takes uids from, over the store's records; undefined when not used. */
export function createIdentityPool(
  options: IdentitySetting,
  records: IdentityRecords,
): IdentityPool | undefined {
  // kubernetes pods run as pool uids whether the server is root or not.
  const always = options.runAs === undefined && options.uidRange !== undefined;
  if (!always && (!canSwitchUsers() || options.runAs !== 'pool')) return undefined;
  const range = parseUidRange(options.uidRange ?? '');
  return 'problem' in range ? undefined : new IdentityPool(range, records);
}
