/**
 * Removes a finished task's directories. Its own directory holds what the task wrote, as its
 * identity: that identity empties it (`find -delete`, which follows no link), starting inside it,
 * so a link or a swapped directory can only lead where the owner could delete anyway; the server
 * then removes the empty directory from its own parent. The markers are the server's own.
 */
import { lstat, rm, rmdir } from 'node:fs/promises';
import { finished, spawnAs } from './owner-files.js';
import { taskDirsOf } from './task-dirs.js';

export async function removeTaskFiles(
  workdir: string,
  stateDir: string,
  taskId: string,
): Promise<void> {
  const { taskDir, markersDir } = taskDirsOf(workdir, stateDir, taskId);
  const info = await lstat(taskDir).catch(() => undefined);
  if (info?.isDirectory()) {
    await emptyAs(taskDir, info.uid, info.gid);
    await rmdir(taskDir);
  }
  if (markersDir !== taskDir) await rm(markersDir, { recursive: true, force: true });
}

/** Empties `dir` as the uid and gid that own it (no groups: they might be a pool uid's). */
function emptyAs(dir: string, uid: number, gid: number): Promise<void> {
  const owner = uid === process.getuid?.() ? undefined : { uid, gid, pooled: true };
  return finished(spawnAs(owner, ['find', '.', '-mindepth', '1', '-delete'], dir), dir);
}
