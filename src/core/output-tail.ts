/**
 * Reads the end of a task's output file: what a single-task state answer shows. The server never
 * follows a path a task could have changed: the last component is opened without following a
 * link, and the file must be a regular file belonging to the task's identity — so a task that
 * swaps its output (or a directory on the way) for a link to another user's file, or to a file of
 * root's, gets nothing back.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The default and the contract: the last 64 KiB of each output. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

/**
 * The last `maxBytes` of a file as UTF-8 ('' when it does not exist yet, cannot be read, is not a
 * regular file, or — with `ownerUid` — belongs to anyone else).
 */
export function readTail(path: string, maxBytes = OUTPUT_TAIL_BYTES, ownerUid?: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, OPEN_FLAGS);
    const info = fstatSync(fd);
    if (!info.isFile() || (ownerUid !== undefined && info.uid !== ownerUid)) return '';
    const size = info.size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    // Starting mid-file can split a UTF-8 sequence: skip continuation bytes at the start.
    let start = 0;
    while (start < length && size > maxBytes && (buffer[start]! & 0xc0) === 0x80) start++;
    return buffer.subarray(start).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
