/**
 * The outputs of a directly started task (direct-start.ts), opened for its stdout and stderr
 * without the launcher ever opening a file where the owner can write: either the server made the
 * task's directory and files ahead and the directory is still the server's alone (`prepared`,
 * task-dirs.ts prepareOutputs) — they are opened, then the directory is given to the owner — or
 * the directory is made here (0700, ours), the files created in it with O_EXCL|O_NOFOLLOW and
 * given to the owner, then the directory. Synchronous on purpose: on this kind of machine a file
 * operation handed to a libuv thread costs several times its own CPU in the hand-over, and the
 * launcher is bound by CPU, not by waiting (bench/README.md, "Where a local task's time goes").
 */
import {
  chmodSync,
  closeSync,
  constants,
  fchownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
} from 'node:fs';
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
  close(): void;
}

/** Opens the task's outputs, making its directory and files unless the server made them. */
export function openOutputs(start: DirectStart): TaskOutputs {
  if ([start.stdout, start.stderr].some((path) => !directlyIn(start.taskDir, path))) {
    throw new UseSupervisor('output path');
  }
  if (start.prepared) checkPrepared(start.taskDir);
  else makeOwnDirectory(start.taskDir);
  const fds: number[] = [];
  try {
    const open = (path: string): number => {
      const fd = start.prepared ? openSync(path, OPEN_FLAGS) : openSync(path, CREATE_FLAGS, 0o644);
      fds.push(fd);
      if (!start.prepared && start.uid !== undefined) fchownSync(fd, start.uid, start.gid!);
      return fd;
    };
    const stdout = open(start.stdout);
    const stderr = start.stderr === start.stdout ? stdout : open(start.stderr);
    if (start.uid !== undefined) lchownSync(start.taskDir, start.uid, start.gid!);
    if (!start.prepared) chmodSync(start.taskDir, 0o700);
    return { stdout, stderr, close: () => fds.forEach((fd) => closeSync(fd)) };
  } catch (error) {
    fds.forEach((fd) => closeSync(fd));
    throw error;
  }
}

/** The directory the server made ahead, as it left it: a directory, ours, 0700. */
function checkPrepared(taskDir: string): void {
  const info = lstatSync(taskDir, { throwIfNoEntry: false });
  const ours = info !== undefined && info.isDirectory() && info.uid === process.geteuid?.();
  if (!ours || (info.mode & 0o777) !== 0o700) throw new UseSupervisor('prepared directory changed');
}

/** A new directory, ours: one that exists already is left to the supervisor. */
function makeOwnDirectory(taskDir: string): void {
  try {
    mkdirSync(taskDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UseSupervisor('exists');
    throw error;
  }
}

function directlyIn(dir: string, path: string): boolean {
  return join(dir, basename(path)) === path;
}
