/**
 * The bind mounts that let a TES task's executors see its files when they run in containers.
 * Every container path P of the task is kept on the host at hostRoot + P, so a mount only has to
 * expose hostRoot + X at X: volumes and the directories outputs are written to (read-write), and
 * each input (read-only). A mount inside a directory already mounted is left out: the parent
 * shows it (unless the parent is read-only and the child must be writable). Every executor of the task gets the same mounts, as the spec has it.
 */
import { posix } from 'node:path';
import type { MountSpec } from './task.js';
import { hasWildcards, isInsideRoots, type TesInput, type TesOutput } from './tes-task.js';

/** The directory an output is written into: its own (DIRECTORY), its parent, or a pattern's fixed part. */
export function outputDirectory(output: TesOutput): string {
  if (hasWildcards(output.path)) {
    const segments = output.path.split('/');
    const firstPattern = segments.findIndex((segment) => hasWildcards(segment));
    return segments.slice(0, firstPattern).join('/') || '/';
  }
  return output.type === 'DIRECTORY' ? output.path : posix.dirname(output.path);
}

interface Candidate extends MountSpec {
  directory: boolean;
}

/** The mounts of a task whose container paths live under `hostRoot`. */
export function planTesMounts(
  inputs: readonly TesInput[],
  outputs: readonly TesOutput[],
  volumes: readonly string[],
  hostRoot: string,
): MountSpec[] {
  const mount = (container: string, mode: 'ro' | 'rw', directory: boolean): Candidate => ({
    host: posix.join(hostRoot, container),
    container: posix.normalize(container),
    mode,
    directory,
  });
  const candidates = [
    ...volumes.map((volume) => mount(volume, 'rw', true)),
    ...outputs.map((output) => mount(outputDirectory(output), 'rw', true)),
    ...inputs.map((input) => mount(input.path, 'ro', input.type === 'DIRECTORY')),
  ].sort((a, b) => a.container.length - b.container.length);
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    // A read-only parent does not do for a path that must be writable.
    const shownByParent = kept.some(
      (parent) =>
        parent.directory &&
        (parent.mode === 'rw' || candidate.mode === 'ro') &&
        isInsideRoots(candidate.container, [parent.container]),
    );
    if (!shownByParent) kept.push(candidate);
  }
  return kept.map(({ host, container, mode }) => ({ host, container, mode }));
}
