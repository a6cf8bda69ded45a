/**
 * The outputs of a directly started task (direct-start.ts), opened for its stdout and stderr
 * without a file ever being opened with the server's rights where the owner can write. One way
 * to make them (native/launcher/outputs.c keeps the same rules): a new directory (0700, ours, in a
 * parent only the server writes to), the files created in it with O_EXCL|O_NOFOLLOW and given to
 * the owner, then the directory given to the owner. Synchronous on purpose: on this kind of machine a
 * file operation handed to a libuv thread costs several times its own CPU in the hand-over, and
 * the launch path is bound by CPU, not by waiting (bench/README.md, "Where a local task's time
 * goes").
 */
import {
  chmodSync,
  closeSync,
  constants,
  fchownSync,
  lchownSync,
  mkdirSync,
  openSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { DirectStart } from './direct-start.js';

/** Thrown when the task's directory exists already: the server uses the supervisor instead. */
export class UseSupervisor extends Error {}

const CREATE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Who the output files are given to; absent: they stay the server's. */
export interface OutputOwner {
  uid: number;
  gid: number;
}

/** The task's stdout and stderr, open (one descriptor when both are the same file). */
export interface TaskOutputs {
  stdout: number;
  stderr: number;
  close(): void;
}

/** True when `path` names a file directly in `dir` (no sub-directory, no `..`). */
function directlyIn(dir: string, path: string): boolean {
  return join(dir, basename(path)) === path;
}

/**
 * Makes `taskDir` (0700, ours) and creates each of `paths` in it, given to `owner`: the open
 * descriptor of each distinct path, or undefined, with nothing made, when the directory exists.
 */
function createOutputs(
  taskDir: string,
  paths: string[],
  owner: OutputOwner | undefined,
): Map<string, number> | undefined {
  try {
    mkdirSync(taskDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  return openEach(paths, (path) => {
    const fd = openSync(path, CREATE_FLAGS, 0o644);
    if (owner) fchownSync(fd, owner.uid, owner.gid);
    return fd;
  });
}

/** Makes the task's directory and its outputs, and gives them to the owner. */
export function openOutputs(start: DirectStart): TaskOutputs {
  const paths = [start.stdout, start.stderr];
  if (!paths.every((path) => directlyIn(start.taskDir, path))) {
    throw new UseSupervisor('output path');
  }
  const owner = start.uid === undefined ? undefined : { uid: start.uid, gid: start.gid! };
  const fds = createOutputs(start.taskDir, paths, owner);
  if (!fds) throw new UseSupervisor('exists');
  const close = (): void => fds.forEach((fd) => closeSync(fd));
  try {
    if (owner) lchownSync(start.taskDir, owner.uid, owner.gid);
    // 0700 whatever the umask.
    chmodSync(start.taskDir, 0o700);
  } catch (error) {
    close();
    throw error;
  }
  return { stdout: fds.get(start.stdout)!, stderr: fds.get(start.stderr)!, close };
}

/** Opens each distinct path once; on a failure, closes those it opened and rethrows. */
function openEach(paths: string[], open: (path: string) => number): Map<string, number> {
  const fds = new Map<string, number>();
  try {
    for (const path of paths) if (!fds.has(path)) fds.set(path, open(path));
  } catch (error) {
    fds.forEach((fd) => closeSync(fd));
    throw error;
  }
  return fds;
}
