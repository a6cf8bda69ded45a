/**
 * The outputs of a directly started task (direct-start.ts), opened for its stdout and stderr
 * without the launcher ever opening a file where the owner can write: either the server made the
 * task's directory and files ahead and the directory is still the server's alone (`prepared`,
 * task-dirs.ts prepareOutputs) — they are opened, then the directory is given to the owner — or
 * the directory is made here (0700, ours), the files created in it with O_EXCL|O_NOFOLLOW and
 * given to the owner, then the directory. Everything runs in libuv threads: the launcher's event
 * loop stays free for the other tasks' starts and exits meanwhile.
 */
import { constants } from 'node:fs';
import { chmod, lchown, lstat, mkdir, open, type FileHandle } from 'node:fs/promises';
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
  if (start.prepared) await checkPrepared(start.taskDir);
  else await makeOwnDirectory(start.taskDir);
  const handles: FileHandle[] = [];
  try {
    const out = await openOne(start, start.stdout, handles);
    const err = start.stderr === start.stdout ? out : await openOne(start, start.stderr, handles);
    if (start.uid !== undefined) await lchown(start.taskDir, start.uid, start.gid!);
    if (!start.prepared) await chmod(start.taskDir, 0o700);
    return { stdout: out.fd, stderr: err.fd, close: () => closeAll(handles) };
  } catch (error) {
    await closeAll(handles);
    throw error;
  }
}

/** The directory the server made ahead, as it left it: a directory, ours, 0700. */
async function checkPrepared(taskDir: string): Promise<void> {
  const info = await lstat(taskDir).catch(() => undefined);
  const ours = info !== undefined && info.isDirectory() && info.uid === process.geteuid?.();
  if (!ours || (info.mode & 0o777) !== 0o700) throw new UseSupervisor('prepared directory changed');
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
  if (join(start.taskDir, basename(path)) !== path) throw new UseSupervisor('output path');
  if (start.prepared) {
    const handle = await open(path, OPEN_FLAGS);
    handles.push(handle);
    return handle;
  }
  const handle = await open(path, CREATE_FLAGS, 0o644);
  handles.push(handle);
  if (start.uid !== undefined) await handle.chown(start.uid, start.gid!);
  return handle;
}

async function closeAll(handles: FileHandle[]): Promise<void> {
  await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
}
