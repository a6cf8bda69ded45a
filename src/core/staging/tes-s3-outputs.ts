/**
 * Collects a TES output whose url is `s3://`: a file is uploaded as that object; a directory (or
 * each match of a pattern) as one object per file below the url taken as a prefix, the key
 * keeping the file's path below it. The files read must resolve inside the task's own roots (its
 * host directory in containers, the allowed roots on the host): a link the task planted is never
 * followed out, and links to directories are not followed at all (a loop would never end).
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import {
  hasWildcards,
  hostPathOf,
  type TesExtra,
  type TesOutput,
  type TesOutputFileLog,
} from '../../model/tes-task.js';
import type { S3Settings } from '../../storage/s3-settings.js';
import { formatS3Url, joinKey, parseS3Url } from '../../storage/s3-url.js';
import { uploadS3File } from '../../storage/s3-upload.js';
import { statOutputPath } from './output-path.js';
import { expandPattern } from './tes-glob.js';
import { assertInsideRoots } from './tes-host-paths.js';

/** One S3 output being collected. */
export interface S3Collecting {
  tes: TesExtra;
  /** The allowed roots of the task's owner (used where executors ran on the host). */
  roots: readonly string[];
  field: string;
  s3: S3Settings;
}

/** Uploads one output; one log per uploaded file. Throws with the field path on a problem. */
export async function collectS3Output(
  output: TesOutput,
  at: S3Collecting,
): Promise<TesOutputFileLog[]> {
  const { bucket, key } = parseS3Url(output.url);
  if (hasWildcards(output.path)) {
    const prefix = output.path_prefix ?? '';
    const logs: TesOutputFileLog[] = [];
    for (const match of await expandPattern(output.path, at.tes.hostRoot)) {
      const relative = match.slice(prefix.length).replace(/^\/+/, '');
      logs.push(
        ...(await uploadTree(match, formatS3Url({ bucket, key: joinKey(key, relative) }), at)),
      );
    }
    return logs;
  }
  await statOutputPath(at.tes, output, at.field);
  return uploadTree(output.path, output.url, at);
}

/** Uploads a file of the task as `url`, or a directory tree as objects below `url`. */
async function uploadTree(
  path: string,
  url: string,
  at: S3Collecting,
): Promise<TesOutputFileLog[]> {
  const source = hostPathOf(at.tes, path);
  const roots = at.tes.hostRoot !== undefined ? [at.tes.hostRoot] : at.roots;
  await assertInsideRoots(source, roots, `${at.field}.path`);
  const info = await lstat(source);
  if (info.isSymbolicLink()) {
    const target = await stat(source);
    if (target.isDirectory()) return [];
    if (!target.isFile()) return [];
  } else if (info.isDirectory()) {
    const { bucket, key } = parseS3Url(url);
    const logs: TesOutputFileLog[] = [];
    for (const entry of await readdir(source, { withFileTypes: true })) {
      const below = formatS3Url({ bucket, key: joinKey(key, entry.name) });
      logs.push(...(await uploadTree(posix.join(path, entry.name), below, at)));
    }
    return logs;
  } else if (!info.isFile()) {
    // Sockets, FIFOs and devices have no content to upload.
    return [];
  }
  const size = await uploadS3File(source, url, at.s3);
  return [{ url, path, size_bytes: String(size) }];
}
