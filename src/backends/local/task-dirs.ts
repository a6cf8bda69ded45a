/**
 * Where a local task's files live, and who owns them. Its outputs go to its own directory
 * <workdir>/tasks/<id>, owned by the task's identity (0700): another owner's task can neither
 * list nor read it. Its supervisor's markers (claims, exit codes, the script copy) go to
 * <state>/tasks/<id>, the server's private directory, where no task can plant or change a file.
 * The parents are the server's (0711: enterable, not listable), so a task cannot rename its
 * directory or put a link in its place.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnixIdentity } from '../run-as.js';

export interface TaskDirs {
  /** The task's own files (default outputs): owned by its identity. */
  taskDir: string;
  /** The supervisor's markers: the server's alone. */
  markersDir: string;
}

/** Where task `id`'s directories are for a task this server started: no file is looked at. */
export function newTaskDirsOf(workdir: string, stateDir: string, id: string): TaskDirs {
  return { taskDir: join(workdir, 'tasks', id), markersDir: join(stateDir, 'tasks', id) };
}

/** The directories of task `id`; an older server's task keeps its markers where they are. */
export function taskDirsOf(workdir: string, stateDir: string, id: string): TaskDirs {
  const dirs = newTaskDirsOf(workdir, stateDir, id);
  const { taskDir, markersDir } = dirs;
  // Before the state directory existed, markers lay beside the outputs.
  const legacy = !existsSync(markersDir) && existsSync(taskDir) && hasClaims(taskDir);
  return legacy ? { taskDir, markersDir: taskDir } : dirs;
}

function hasClaims(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name.startsWith('claim.'));
  } catch {
    return false;
  }
}

/**
 * The parents of every task's directories, made at start: <workdir>/tasks (and <workdir>) 0711
 * when tasks run as other users — they must pass through, not list — and <state>/tasks 0700.
 */
export function prepareTaskParents(workdir: string, stateDir: string, switching: boolean): void {
  mkdirSync(join(stateDir, 'tasks'), { recursive: true, mode: 0o700 });
  const parents = [workdir, join(workdir, 'tasks'), join(workdir, 'tes'), join(workdir, 'users')];
  for (const dir of parents) {
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    if (switching && statSync(dir).uid === process.getuid?.()) chmodSync(dir, 0o711);
  }
}

/**
 * Makes a directory only `identity` can use, in a parent only the server writes to: created
 * here (or found as a real directory, never a link), then given to the identity, mode 0700.
 */
export async function makeOwnedDir(dir: string, identity: UnixIdentity | undefined): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const info = await lstat(dir);
    if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
  }
  if (identity) await lchown(dir, identity.uid, identity.gid);
  await chmod(dir, 0o700);
}

/** Makes a task's two directories before its supervisor starts. */
export async function makeTaskDirs(
  dirs: TaskDirs,
  identity: UnixIdentity | undefined,
): Promise<void> {
  if (dirs.markersDir !== dirs.taskDir)
    await mkdir(dirs.markersDir, { recursive: true, mode: 0o700 });
  await makeOwnedDir(dirs.taskDir, identity);
}

/** True when `dir` is a directory (not a link). */
export function isRealDirectory(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}
