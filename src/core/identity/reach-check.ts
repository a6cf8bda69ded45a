/**
 * Can the identity tasks run as reach the work directory? A task's own directory lies in it, and
 * on a cluster the job script and its outputs are opened there by the job's user: every directory
 * on the way must let that user pass (search permission). Checked once at start, so that an
 * operator who starts the server from a private directory (under /root, say) learns it then, with
 * the fix, rather than from every task failing.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Who must pass: a uid with its groups, or "every user" (any uid the pool or owners give). */
export type Passer = { uid: number; gids: number[]; name: string } | { anyone: true; name: string };

/** Every directory from `/` down to `dir` (as far as it exists). */
function ancestors(dir: string): string[] {
  const chain: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    chain.unshift(at);
    if (dirname(at) === at) return chain;
  }
}

function canPass(dir: string, who: Passer): boolean {
  let info;
  try {
    info = statSync(dir);
  } catch {
    return true; // Not made yet: the server makes it, enterable (0711).
  }
  if (info.mode & 0o001) return true;
  if ('anyone' in who) return false;
  if (who.uid === 0) return true;
  if (info.uid === who.uid) return (info.mode & 0o100) !== 0;
  return who.gids.includes(info.gid) && (info.mode & 0o010) !== 0;
}

/** Why `who` cannot reach `dir`, naming the directory in the way and the fix; else undefined. */
export function unreachableProblem(dir: string, who: Passer): string | undefined {
  const blocked = ancestors(dir).find((at) => !canPass(at, who));
  if (blocked === undefined) return undefined;
  const mode = (statSync(blocked).mode & 0o777).toString(8).padStart(3, '0');
  return (
    `tasks run as ${who.name}, who cannot reach the work directory ${resolve(dir)}: ` +
    `${blocked} (mode ${mode}) is in the way. Choose a workdir every task user can reach ` +
    `(workdir=/var/lib/jobproxy/work; on a cluster, a path of the shared file system), or let ` +
    `them pass: chmod o+x ${blocked}`
  );
}

/** A user of this machine as a Passer (its groups from `id -G`), or undefined if unknown. */
export function accountPasser(name: string, uid: number): Passer | undefined {
  try {
    const gids = execFileSync('id', ['-G', name], { encoding: 'utf8', timeout: 5000 })
      .trim()
      .split(/\s+/)
      .map(Number);
    return { uid, gids, name };
  } catch {
    return undefined;
  }
}
