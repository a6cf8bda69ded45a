/**
 * Stages a TES task's inputs before it runs: `content` is written, `file://` URLs and absolute
 * paths (files or whole directories) are copied, `http(s)://` URLs are downloaded — each to where
 * the input's `path` is on the host. Volumes (and, for containers, the directories outputs are
 * written into: they are mounted) are created as directories. A failure names its input.
 */
import { copyFile, cp, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { downloadHttp } from '../../storage/http-download.js';
import { DEFAULT_HTTP } from '../../storage/http-guard.js';
import { outputDirectory } from '../../model/tes-mounts.js';
import { downloadS3Object, downloadS3Prefix } from '../../storage/s3-download.js';
import { isS3Url } from '../../storage/s3-url.js';
import { DEFAULT_STORAGE, type StorageSettings } from '../../storage/storage-settings.js';
import { hostPathOf, localPath, type TesExtra, type TesInput } from '../../model/tes-task.js';
import { assertInsideRoots } from './tes-host-paths.js';

/** Creates the volumes and stages every input; throws on the first input that cannot be staged. */
export async function stageInputs(
  tes: TesExtra,
  roots: readonly string[],
  storage: StorageSettings = DEFAULT_STORAGE,
): Promise<void> {
  // On the host, the task's paths are the client's and must stay inside the roots; in
  // containers, they lie under the task's own host directory.
  const onHost = tes.hostRoot === undefined;
  for (const [i, volume] of tes.volumes.entries()) {
    if (onHost) await assertInsideRoots(volume, roots, `volumes[${i}]`);
    await mkdir(hostPathOf(tes, volume), { recursive: true });
  }
  if (!onHost) {
    for (const output of tes.outputs) {
      await mkdir(hostPathOf(tes, outputDirectory(output)), { recursive: true });
    }
  }
  for (const [i, input] of tes.inputs.entries()) {
    const field = `inputs[${i}]`;
    const destination = hostPathOf(tes, input.path);
    try {
      if (onHost) await assertInsideRoots(destination, roots, `${field}.path`);
      await mkdir(dirname(destination), { recursive: true });
      await stageInput(input, destination, roots, field, storage);
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(message.startsWith(field) ? message : `${field}: ${message}`);
    }
  }
}

async function stageInput(
  input: TesInput,
  destination: string,
  roots: readonly string[],
  field: string,
  storage: StorageSettings,
): Promise<void> {
  // "If content is not empty, url must be ignored"; empty content with no url is an empty file.
  if (input.content || input.url === undefined) {
    await writeFile(destination, input.content ?? '');
    return;
  }
  if (isS3Url(input.url)) {
    const fetch = input.type === 'DIRECTORY' ? downloadS3Prefix : downloadS3Object;
    return void (await fetch(input.url, destination, storage.s3));
  }
  const source = localPath(input.url);
  if (source === undefined)
    return downloadHttp(input.url, destination, storage.http ?? DEFAULT_HTTP);
  await assertInsideRoots(source, roots, `${field}.url`);
  const info = await stat(source).catch(() => {
    throw new Error(`${field}.url: ${source} does not exist`);
  });
  if (input.type === 'DIRECTORY' && !info.isDirectory()) {
    throw new Error(`${field}.url: ${source} is not a directory (type is DIRECTORY)`);
  }
  if (input.type === 'FILE' && info.isDirectory()) {
    throw new Error(`${field}.url: ${source} is a directory (type is FILE)`);
  }
  if (info.isDirectory()) {
    // Copied over what is at its path, which is never removed: nothing a user named is deleted
    // (url and path never overlap: the validator refuses that).
    await cp(source, destination, { recursive: true, force: true });
  } else {
    await copyFile(source, destination);
  }
}
