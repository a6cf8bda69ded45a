/** Reads the end of a task's output file: what a single-task state answer shows. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The default and the contract: the last 64 KiB of each output. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

/** The last `maxBytes` of a file as UTF-8 ('' when it does not exist yet or cannot be read). */
export function readTail(path: string, maxBytes = OUTPUT_TAIL_BYTES): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
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
