/**
 * Collects a TES task's outputs after its executors end: each output `path` (a file, a directory,
 * or a POSIX pattern with `path_prefix`) is copied to its `file://` URL, and every copied file
 * gets a tesOutputFileLog (directories are flattened into one entry per file, as the spec says).
 * Where executors ran in containers, the files are read where their container paths live on the
 * host, and never through a link that leads out of there (a container could plant one).
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  hasWildcards,
  hostPathOf,
  localPath,
  type TesExtra,
  type TesOutput,
  type TesOutputFileLog,
} from '../../model/tes-task.js';
import { isS3Url } from '../../storage/s3-url.js';
import { DEFAULT_STORAGE, type StorageSettings } from '../../storage/storage-settings.js';
import { statOutputPath } from './output-path.js';
import { expandPattern } from './tes-glob.js';
import { collectS3Output } from './tes-s3-outputs.js';
import { assertInsideRoots } from './tes-host-paths.js';

/** What was collected, and what could not be (one line per output, with its field path). */
export interface CollectedOutputs {
  logs: TesOutputFileLog[];
  problems: string[];
}

/** One output being collected: the task's files, the roots URLs must stay in, its field path. */
interface Collecting {
  tes: TesExtra;
  roots: readonly string[];
  field: string;
}

/** Copies every output it can; a missing one is a problem, not a reason to skip the others. */
export async function collectOutputs(
  tes: TesExtra,
  roots: readonly string[],
  storage: StorageSettings = DEFAULT_STORAGE,
): Promise<CollectedOutputs> {
  const collected: CollectedOutputs = { logs: [], problems: [] };
  for (const [i, output] of tes.outputs.entries()) {
    const field = `outputs[${i}]`;
    try {
      const logs = isS3Url(output.url)
        ? await collectS3Output(output, { tes, roots, field, s3: storage.s3 })
        : await collectOutput(output, { tes, roots, field });
      collected.logs.push(...logs);
    } catch (error) {
      const message = (error as Error).message;
      collected.problems.push(message.startsWith(field) ? message : `${field}: ${message}`);
    }
  }
  return collected;
}

async function collectOutput(output: TesOutput, at: Collecting): Promise<TesOutputFileLog[]> {
  // The validator accepted only local URLs.
  const destination = localPath(output.url)!;
  if (hasWildcards(output.path)) {
    // A pattern's url is a directory; each match keeps its path below path_prefix.
    const prefix = output.path_prefix ?? '';
    const logs: TesOutputFileLog[] = [];
    for (const match of await expandPattern(output.path, at.tes.hostRoot)) {
      const relative = match.slice(prefix.length).replace(/^\/+/, '');
      logs.push(...(await copyOut(match, join(destination, relative), at)));
    }
    return logs;
  }
  const info = await statOutputPath(at.tes, output, at.field);
  const logs = await copyOut(output.path, destination, at);
  // A single file is logged under the URL the client gave.
  return info.isDirectory() ? logs : logs.map((log) => ({ ...log, url: output.url }));
}

/** Copies a file or a directory tree (a path of the task) to `destination`, one log per file. */
async function copyOut(
  path: string,
  destination: string,
  at: Collecting,
): Promise<TesOutputFileLog[]> {
  const source = hostPathOf(at.tes, path);
  if (at.tes.hostRoot !== undefined)
    await assertInsideRoots(source, [at.tes.hostRoot], `${at.field}.path`);
  await assertInsideRoots(destination, at.roots, `${at.field}.url`);
  const info = await stat(source);
  if (info.isDirectory()) {
    await mkdir(destination, { recursive: true });
    const logs: TesOutputFileLog[] = [];
    for (const entry of await readdir(source, { withFileTypes: true })) {
      // Links to directories are not followed: a link loop would never end.
      const linkedDirectory =
        entry.isSymbolicLink() &&
        (await stat(join(source, entry.name)).catch(() => undefined))?.isDirectory();
      if (linkedDirectory) continue;
      logs.push(...(await copyOut(join(path, entry.name), join(destination, entry.name), at)));
    }
    return logs;
  }
  // Sockets, FIFOs and devices have no content to copy.
  if (!info.isFile()) return [];
  await mkdir(dirname(destination), { recursive: true });
  await copyFile(source, destination);
  return [{ url: pathToFileURL(destination).href, path, size_bytes: String(info.size) }];
}
