/**
 * Hands a TES task's own directory (its staged inputs, volumes and output directories, created by
 * the server) to the uid its pod runs as, so the executors can write their outputs there. The
 * tree is the server's, under the work directory; links are changed, never followed.
 */
import { lchown, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await lchown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}
