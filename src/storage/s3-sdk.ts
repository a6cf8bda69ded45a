/**
 * The AWS SDK, loaded on first use: it is large (the client and its @smithy/* parts add several
 * MiB to the server's memory) and a server that never stages an s3:// URL never needs it.
 */
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';

let clientS3: Promise<typeof ClientS3> | undefined;
let libStorage: Promise<typeof LibStorage> | undefined;

/** `@aws-sdk/client-s3`, imported once per process. */
export function loadClientS3(): Promise<typeof ClientS3> {
  clientS3 ??= import('@aws-sdk/client-s3');
  return clientS3;
}

/** `@aws-sdk/lib-storage` (multipart uploads), imported once per process. */
export function loadLibStorage(): Promise<typeof LibStorage> {
  libStorage ??= import('@aws-sdk/lib-storage');
  return libStorage;
}
