/** Unix users for tests that switch identities: made once (useradd) when missing. */
import { execFileSync } from 'node:child_process';

/** The uid of `name`; throws when there is no such user. */
export function uidOf(name: string): number {
  return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
}

/** A Unix user without a home, made if missing; resolves to its uid. */
export function ensureUser(name: string): number {
  try {
    return uidOf(name);
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name]);
    return uidOf(name);
  }
}
