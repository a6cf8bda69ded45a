/**
 * Removes a finished task's directories. Its own directory holds what the task wrote, as its
 * identity: that identity empties it (`find -delete`, which follows no link), starting inside it,
 * so a link or a swapped directory can only lead where the owner could delete anyway; the server
 * then removes the empty directory from its own parent. The markers are the server's own.
 */
import { spawn } from 'node:child_process';
import { lstat, rm, rmdir } from 'node:fs/promises';
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

function emptyAs(dir: string, uid: number, gid: number): Promise<void> {
  const asOwner = uid !== process.getuid?.();
  const command = asOwner
    ? [
        'setpriv',
        `--reuid=${uid}`,
        `--regid=${gid}`,
        '--clear-groups',
        '--',
        'find',
        '.',
        '-mindepth',
        '1',
        '-delete',
      ]
    : ['find', '.', '-mindepth', '1', '-delete'];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString('utf8').slice(0, 1024)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`emptying ${dir} failed: ${said.trim() || `exit ${code}`}`)),
    );
  });
}
