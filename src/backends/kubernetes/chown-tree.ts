/**
 * Hands a TES task's own directory (its staged inputs, volumes and output directories, created by
 * the server) to the uid its pod runs as, so the executors can write their outputs there. The
 * tree is the server's, under the work directory; links are changed, never followed.
 */
import { lchown, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Changes owner of `path` and everything below it; a path that does not exist is left alone. */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  try {
    await lchown(path, uid, gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}
