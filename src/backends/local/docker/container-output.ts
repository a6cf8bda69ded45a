/**
 * A container's output in the task's files: the files made empty before anything runs, the log
 * stream followed into them while the container runs, and made whole once it exited.
 */
import { Readable } from 'node:stream';
import type { OutputFiles } from '../owner-files.js';
import { pipeline } from 'node:stream/promises';
import { LogFileSink, type StreamKind } from './log-demux.js';

/** How long the log stream may lag behind the container's exit before it is read again. */
const LOG_DRAIN_MS = 10_000;

/** Output files exist (and their directories) before anything runs, empty. */
export async function prepareOutputFiles(
  logPaths: Record<StreamKind, string>[],
  files: OutputFiles,
): Promise<void> {
  for (const paths of logPaths) {
    for (const path of [paths.stdout, paths.stderr]) await files.truncate(path);
  }
}

/** A followed log stream; `complete` once the container exited. */
export interface FollowedOutput {
  /**
   * Waits for the stream to deliver the rest; if it broke or lags, rewrites the files from the
   * engine's whole copy (`readAll`).
   */
  complete(readAll: () => Promise<Buffer>): Promise<void>;
}

/** Follows a container's multiplexed log stream into its stdout and stderr files (rewritten). */
export function followOutput(
  source: NodeJS.ReadableStream,
  paths: Record<StreamKind, string>,
  files: OutputFiles,
): FollowedOutput {
  const piping = pipeline(source, new LogFileSink(paths, files)).then(
    () => true,
    () => false,
  );
  return {
    async complete(readAll) {
      let timer: NodeJS.Timeout | undefined;
      const lagging = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), LOG_DRAIN_MS);
      });
      const drained = await Promise.race([piping, lagging]);
      clearTimeout(timer);
      if (drained) return;
      (source as Readable).destroy?.();
      await piping;
      await pipeline(Readable.from([await readAll()]), new LogFileSink(paths, files));
    },
  };
}
