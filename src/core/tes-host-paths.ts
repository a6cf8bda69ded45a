/**
 * Host paths a TES task names must stay inside the operator's allowed roots. The validator checks
 * them as written; these check them again as the file system resolves them when files are
 * copied, so a symbolic link inside a root cannot lead a copy outside it.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isInsideRoots } from '../model/tes-task.js';

/** `path` with the symbolic links of its deepest existing ancestor resolved. */
export async function realHostPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realHostPath(parent), basename(path));
  }
}

/** Throws when `path`, resolved, lies outside every (resolved) allowed root. */
export async function assertInsideRoots(
  path: string,
  roots: readonly string[],
  field: string,
): Promise<void> {
  const [real, realRoots] = await Promise.all([
    realHostPath(path),
    Promise.all(roots.map((root) => realHostPath(root))),
  ]);
  if (!isInsideRoots(real, realRoots)) {
    throw new Error(`${field}: ${path} leads outside the allowed roots (to ${real})`);
  }
}
