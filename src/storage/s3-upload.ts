/**
 * Uploads local files to S3, streaming; files over one part (8 MiB) go up as a multipart upload
 * (@aws-sdk/lib-storage), so any size works without holding the file in memory.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describeS3Error } from './s3-errors.js';
import { loadLibStorage } from './s3-sdk.js';
import { createS3Client, type S3Settings } from './s3-settings.js';
import { parseS3Url } from './s3-url.js';

/** Multipart part size: S3's minimum is 5 MiB. */
export const PART_SIZE = 8 * 1024 * 1024;

/** Uploads the file at `localPath` as the object `url`; resolves to its size in bytes. */
export async function uploadS3File(
  localPath: string,
  url: string,
  settings: S3Settings,
  signal?: AbortSignal,
): Promise<number> {
  const { bucket, key } = parseS3Url(url);
  if (key === '' || key.endsWith('/'))
    throw new Error(`${url} names no object (a key ending in a name)`);
  const { size } = await stat(localPath);
  const { Upload } = await loadLibStorage();
  const client = await createS3Client(settings);
  try {
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: createReadStream(localPath), ContentLength: size },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = (): void => void upload.abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      throw describeS3Error(error, 'PutObject', url);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    return size;
  } finally {
    client.destroy();
  }
}
