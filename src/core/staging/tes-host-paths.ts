/**
 * Host paths a TES task names must stay inside the operator's allowed roots. The validator checks
 * them as written; this checks them again as the file system resolves them when files are
 * copied, so a symbolic link inside a root cannot lead a copy outside it.
 */
import { isInsideRoots, realPathOf } from '../../model/allowed-roots.js';

/** Throws when `path`, resolved, lies outside every (resolved) allowed root. */
export async function assertInsideRoots(
  path: string,
  roots: readonly string[],
  field: string,
): Promise<void> {
  const real = realPathOf(path);
  if (!isInsideRoots(real, roots.map(realPathOf))) {
    throw new Error(`${field}: ${path} leads outside the allowed roots (to ${real})`);
  }
}
