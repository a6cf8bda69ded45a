/**
 * The value of the `jobproxy.io/instance` label on this server's Jobs: the operator's
 * `kubernetes.instance`, or an id made once and kept in the work directory, so a restarted
 * server (same work directory) finds its Jobs and leaves those of other servers alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'kubernetes-instance';
const LABEL_VALUE = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

/** The configured instance, or the one kept in `workdir` (created on first use). */
export function instanceId(configured: string, stateDir: string, legacyWorkdir?: string): string {
  if (configured !== '') {
    if (!LABEL_VALUE.test(configured)) {
      throw new Error(`kubernetes.instance: "${configured}" is not a valid label value`);
    }
    return configured;
  }
  // Kept in the server's private state; an older server kept it in the work directory.
  const path = join(stateDir, FILE);
  for (const where of [path, ...(legacyWorkdir ? [join(legacyWorkdir, FILE)] : [])]) {
    try {
      const kept = readFileSync(where, 'utf8').trim();
      if (LABEL_VALUE.test(kept)) return kept;
    } catch {
      // Not there: the next place, or a first start.
    }
  }
  const made = `jp-${randomBytes(6).toString('hex')}`;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(path, `${made}\n`, { flag: 'w' });
  return made;
}
