/**
 * The outputs of a directly started task (direct-start.ts), opened for its stdout and stderr
 * without the launcher ever opening a file where the owner can write: either the server made the
 * task's directory and files ahead and the directory is still the server's alone (`prepared`,
 * task-dirs.ts prepareOutputs) — they are opened, then the directory is given to the owner — or
 * the directory is made here (0700, ours), the files created in it with O_EXCL|O_NOFOLLOW and
 * given to the owner, then the directory. Making them costs new inodes (slow on some disks): that
 * runs in libuv threads, so the launcher's event loop stays free for other tasks' starts and
 * exits; opening prepared files is cheap and done at once (no thread hops on the start's path).
 */
import { closeSync, constants, lchownSync, lstatSync, openSync } from 'node:fs';
import { chmod, lchown, mkdir, open, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DirectStart } from './direct-start.js';

/** Thrown when the task's directory exists already: the server uses the supervisor instead. */
export class UseSupervisor extends Error {}

const CREATE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const OPEN_FLAGS = constants.O_WRONLY | constants.O_NOFOLLOW;

/** The task's stdout and stderr, open (one descriptor when both are the same file). */
export interface TaskOutputs {
  stdout: number;
  stderr: number;
  close(): Promise<void>;
}

/** Opens the task's outputs, making its directory and files unless the server made them. */
export async function openOutputs(start: DirectStart): Promise<TaskOutputs> {
  if (start.prepared) return openPrepared(start);
  await makeOwnDirectory(start.taskDir);
  const handles: FileHandle[] = [];
  try {
    const out = await openOne(start, start.stdout, handles);
    const err = start.stderr === start.stdout ? out : await openOne(start, start.stderr, handles);
    if (start.uid !== undefined) await lchown(start.taskDir, start.uid, start.gid!);
    await chmod(start.taskDir, 0o700);
    return { stdout: out.fd, stderr: err.fd, close: () => closeAll(handles) };
  } catch (error) {
    await closeAll(handles);
    throw error;
  }
}

/**
 * The outputs the server made ahead, in the directory it left as it was (a directory, ours,
 * 0700): opened, then the directory is given to the owner.
 */
function openPrepared(start: DirectStart): TaskOutputs {
  const info = lstatSync(start.taskDir, { throwIfNoEntry: false });
  const ours = info !== undefined && info.isDirectory() && info.uid === process.geteuid?.();
  if (!ours || (info.mode & 0o777) !== 0o700) throw new UseSupervisor('prepared directory changed');
  const outside = [start.stdout, start.stderr].some((path) => !directlyIn(start.taskDir, path));
  if (outside) throw new UseSupervisor('output path');
  const fds: number[] = [];
  try {
    fds.push(openSync(start.stdout, OPEN_FLAGS));
    if (start.stderr !== start.stdout) fds.push(openSync(start.stderr, OPEN_FLAGS));
    if (start.uid !== undefined) lchownSync(start.taskDir, start.uid, start.gid!);
  } catch (error) {
    fds.forEach((fd) => closeSync(fd));
    throw error;
  }
  const [stdout, stderr = stdout] = fds as [number, number?];
  return { stdout, stderr, close: () => Promise.resolve(fds.forEach((fd) => closeSync(fd))) };
}

function directlyIn(dir: string, path: string): boolean {
  return join(dir, basename(path)) === path;
}

/** A new directory, ours: one that exists already is left to the supervisor. */
async function makeOwnDirectory(taskDir: string): Promise<void> {
  try {
    await mkdir(taskDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UseSupervisor('exists');
    throw error;
  }
}

async function openOne(
  start: DirectStart,
  path: string,
  handles: FileHandle[],
): Promise<FileHandle> {
  // Only names directly in the task's directory (checked by the server, again here).
  if (!directlyIn(start.taskDir, path)) throw new UseSupervisor('output path');
  const handle = await open(path, CREATE_FLAGS, 0o644);
  handles.push(handle);
  if (start.uid !== undefined) await handle.chown(start.uid, start.gid!);
  return handle;
}

async function closeAll(handles: FileHandle[]): Promise<void> {
  await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
}
