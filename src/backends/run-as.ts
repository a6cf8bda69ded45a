/**
 * Which Unix user a task runs as (local) or is submitted as (slurm, gridengine). A server running
 * as root never runs tasks as root unless the operator says so: `<framework>.userMap`
 * (owner=unixuser,…) first, then `<framework>.runAs` — `owner` (the owner's own name), a user name
 * (default `nobody`), or `root`. A server not running as root runs tasks as itself and ignores both.
 */
import { execFileSync } from 'node:child_process';

export interface UnixIdentity {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface RunAsOptions {
  runAs: string;
  userMap: string;
}

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

/**
 * The identity a task of `owner` runs as: undefined = as the server itself (not root, or the
 * operator chose root); a problem when the mapped user does not exist here.
 */
export function resolveRunAs(
  owner: string,
  options: RunAsOptions,
): { identity?: UnixIdentity; problem?: string } {
  if (!canSwitchUsers()) return {};
  const mapped = parseUserMap(options.userMap)[owner];
  const name = mapped ?? (options.runAs === 'owner' ? owner : options.runAs);
  const identity = lookupUnixUser(name);
  if (!identity) {
    const rule = mapped ? `userMap maps ${owner} to it` : `runAs=${options.runAs}`;
    return { problem: `no Unix user "${name}" exists on this machine to run the task (${rule})` };
  }
  return identity.uid === 0 ? {} : { identity };
}
