/**
 * Which Unix identity a task runs as (local) or is submitted as (slurm, gridengine). A server
 * running as root never runs tasks as root unless the operator says so: `<framework>.userMap`
 * (owner=unixuser,…) first, then `<framework>.runAs` — `pool` (a uid of the owner's own from
 * `uidRange`, local only), `owner` (the owner's own account), a user name (one identity shared by
 * every owner), or `root` (explicitly). An owner that would map to uid 0 is refused. A server not
 * running as root runs tasks as itself and ignores all of it.
 */
import { execFileSync } from 'node:child_process';
import type { IdentityPool } from './identity-pool.js';

export interface UnixIdentity {
  name: string;
  uid: number;
  gid: number;
  /** '' for a pool identity, which has no account: the task's directory serves as its home. */
  home: string;
  /** A pool uid: no account, hence no supplementary groups (setpriv --clear-groups). */
  pooled?: boolean;
}

export interface RunAsOptions {
  runAs: string;
  userMap: string;
}

/** runAs values that are not a user name. */
export const RUN_AS_MODES = ['pool', 'owner', 'root'] as const;

const cache = new Map<string, { identity: UnixIdentity | undefined; at: number }>();
const CACHE_MS = 60_000;

/** `getent passwd NAME` (so NSS users count too): "alice:x:1001:1001:Alice:/home/alice:/bin/sh". */
export function lookupUnixUser(name: string): UnixIdentity | undefined {
  const cached = cache.get(name);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.identity;
  let identity: UnixIdentity | undefined;
  try {
    const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8', timeout: 5000 });
    const [user, , uid, gid, , home] = line.trim().split(':');
    if (user && uid && gid) {
      identity = { name: user, uid: Number(uid), gid: Number(gid), home: home || '/' };
    }
  } catch {
    // Exit 2: no such user.
  }
  cache.set(name, { identity, at: Date.now() });
  return identity;
}

/** "alice=alice2, bob=lab" → {alice: 'alice2', bob: 'lab'}. */
export function parseUserMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [owner, unix] = pair.split('=').map((part) => part.trim());
    if (owner && unix) map[owner] = unix;
  }
  return map;
}

// A process does not change its uid while it runs: ask once.
const RUNS_AS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** True when this server may switch users (it runs as root). */
export function canSwitchUsers(): boolean {
  return RUNS_AS_ROOT;
}

/** What resolveRunAs asks of the machine: whether it may switch users, and its accounts. */
export interface Machine {
  switching: boolean;
  lookup(name: string): UnixIdentity | undefined;
}

const THIS_MACHINE: Machine = {
  get switching() {
    return canSwitchUsers();
  },
  lookup: lookupUnixUser,
};

/** True when every owner's tasks run as one and the same Unix user (no isolation between them). */
export function isSharedIdentity(options: RunAsOptions): boolean {
  return options.runAs !== 'pool' && options.runAs !== 'owner';
}

/**
 * The identity a task of `owner` runs as: undefined = as the server itself (not root, or the
 * operator chose runAs=root); a problem when the mapped user does not exist here, is root, or
 * the pool cannot give one.
 */
export function resolveRunAs(
  owner: string,
  options: RunAsOptions,
  pool?: IdentityPool,
  machine: Machine = THIS_MACHINE,
): { identity?: UnixIdentity; problem?: string } {
  if (!machine.switching) return {};
  // A framework without runAs (kubernetes) gives every owner a pool uid of its own.
  options = { runAs: options.runAs ?? 'pool', userMap: options.userMap ?? '' };
  const mapped = parseUserMap(options.userMap)[owner];
  if (mapped === undefined && options.runAs === 'root') return {};
  if (mapped === undefined && options.runAs === 'pool') return poolIdentity(owner, pool);
  const name = mapped ?? (options.runAs === 'owner' ? owner : options.runAs);
  const rule = mapped ? `userMap maps ${owner} to it` : `runAs=${options.runAs}`;
  const identity = machine.lookup(name);
  if (!identity) {
    return { problem: `no Unix user "${name}" exists on this machine to run the task (${rule})` };
  }
  if (identity.uid === 0) {
    return { problem: `the task would run as "${name}", which is root (uid 0; ${rule}): refused` };
  }
  return { identity };
}

function poolIdentity(
  owner: string,
  pool?: IdentityPool,
): { identity?: UnixIdentity; problem?: string } {
  if (!pool) return { problem: 'runAs=pool needs an identity pool (uidRange), and none is set up' };
  const uid = pool.uidFor(owner);
  if (typeof uid !== 'number') return uid;
  return { identity: poolIdentityOf(uid) };
}

/** The identity of a pool uid: no account, its own group, no supplementary groups. */
export function poolIdentityOf(uid: number): UnixIdentity {
  return { name: `jobproxy-${uid}`, uid, gid: uid, home: '', pooled: true };
}
