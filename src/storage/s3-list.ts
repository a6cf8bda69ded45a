/** Lists the objects below a key prefix, page by page (ListObjectsV2 answers 1000 at most). */
import type { S3Client } from '@aws-sdk/client-s3';
import { describeS3Error } from './s3-errors.js';
import { loadClientS3 } from './s3-sdk.js';
import { createS3Client, type S3Settings } from './s3-settings.js';
import { formatS3Url, type S3Location } from './s3-url.js';

/** One listed object. */
export interface S3ObjectEntry {
  key: string;
  size: number;
}

/** A listing this long is refused: a TES input of more objects is a mistake, not a directory. */
export const MAX_LISTED_OBJECTS = 100_000;

/** Every object whose key starts with `where.key`, in key order. */
export async function listS3Objects(client: S3Client, where: S3Location): Promise<S3ObjectEntry[]> {
  const url = formatS3Url(where);
  const { ListObjectsV2Command } = await loadClientS3();
  const entries: S3ObjectEntry[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(
        new ListObjectsV2Command({
          Bucket: where.bucket,
          Prefix: where.key,
          ContinuationToken: token,
        }),
      )
      .catch((error: unknown) => {
        throw describeS3Error(error, 'ListObjectsV2', url);
      });
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) entries.push({ key: object.Key, size: object.Size ?? 0 });
    }
    if (entries.length > MAX_LISTED_OBJECTS) {
      throw new Error(`ListObjectsV2 ${url}: more than ${MAX_LISTED_OBJECTS} objects`);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return entries;
}

/** listS3Objects with a client of its own, for callers that hold none. */
export async function listS3Prefix(
  url: S3Location,
  settings: S3Settings,
): Promise<S3ObjectEntry[]> {
  const client = await createS3Client(settings);
  try {
    return await listS3Objects(client, url);
  } finally {
    client.destroy();
  }
}
