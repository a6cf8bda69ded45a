/**
 * Scratch directories of a bench, removed only when the whole bench is over. On this machine's
 * disk (ext4 without a journal) the kernel skips inodes freed in the last 60–300 s when it
 * allocates a new one (`recently_deleted` in fs/ext4/ialloc.c): removing one run's thousands of
 * files made every file the next run created cost up to 1 ms of CPU instead of 0.03 ms, so each
 * round measured slower than the one before. Runs therefore never remove what they made.
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new scratch directory, kept until removeScratch(). */
export function scratchDir(prefix = 'jobproxy-bench-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every scratch directory made so far: call once, when the bench has measured all. */
export function removeScratch(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The CPU one new file costs on this disk now (ms): printed beside the figures, since it swings
 * 30-fold with what was deleted in the last minutes.
 */
export function fileCreateCostMs(files = 200): number {
  const dir = scratchDir('jobproxy-probe-');
  const before = process.cpuUsage();
  for (let i = 0; i < files; i++) closeSync(openSync(join(dir, String(i)), 'wx'));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / files;
}
