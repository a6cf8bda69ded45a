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
export function instanceId(configured: string, workdir: string): string {
  if (configured !== '') {
    if (!LABEL_VALUE.test(configured)) {
      throw new Error(`kubernetes.instance: "${configured}" is not a valid label value`);
    }
    return configured;
  }
  const path = join(workdir, FILE);
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (LABEL_VALUE.test(kept)) return kept;
  } catch {
    // First start in this work directory.
  }
  const made = `jp-${randomBytes(6).toString('hex')}`;
  mkdirSync(workdir, { recursive: true });
  writeFileSync(path, `${made}\n`, { flag: 'w' });
  return made;
}
