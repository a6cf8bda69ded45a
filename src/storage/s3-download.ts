/**
 * Downloads from S3 to local paths, streaming: one object to a file, or every object below a
 * prefix to a directory tree (a TES DIRECTORY input). A download that receives nothing for
 * DOWNLOAD_STALL_MS fails, and the caller's signal aborts it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeS3Error } from './s3-errors.js';
import { loadClientS3 } from './s3-sdk.js';
import { listS3Objects } from './s3-list.js';
import { createS3Client, type S3Settings } from './s3-settings.js';
import { directoryPrefix, formatS3Url, parseS3Url, relativeKeyPath } from './s3-url.js';

/** A transfer that moves no byte for this long fails: a stalled server must not hold the queue. */
export const S3_STALL_MS = 60 * 1000;

/** Writes the object at `url` to `destinationPath`; resolves to its size in bytes. */
export async function downloadS3Object(
  url: string,
  destinationPath: string,
  settings: S3Settings,
  signal?: AbortSignal,
): Promise<number> {
  const client = await createS3Client(settings);
  try {
    return await fetchObject(client, url, destinationPath, signal);
  } finally {
    client.destroy();
  }
}

/**
 * Writes every object below the prefix `url` names (as a directory: `s3://b/dir` lists
 * `dir/…`) into `destinationDir`, replacing what was there, keeping the key below the prefix as
 * the relative path. An empty prefix, or a key that cannot be a path below the directory, fails.
 * Resolves to the number of files written.
 */
export async function downloadS3Prefix(
  url: string,
  destinationDir: string,
  settings: S3Settings,
  signal?: AbortSignal,
): Promise<number> {
  const { bucket, key } = parseS3Url(url);
  const prefix = directoryPrefix(key);
  const client = await createS3Client(settings);
  try {
    const objects = await listS3Objects(client, { bucket, key: prefix });
    // Zero-byte "folder" markers that some tools create hold no file.
    const files = objects.filter((object) => !object.key.endsWith('/'));
    if (files.length === 0)
      throw new Error(`no objects below ${formatS3Url({ bucket, key: prefix })}`);
    const relatives = files.map((object) => {
      const relative = relativeKeyPath(object.key, prefix);
      if (relative === undefined)
        throw new Error(`key "${object.key}" cannot be a file below ${url}`);
      return relative;
    });
    // The task sees exactly the prefix's objects, as for a directory copied from file://.
    await rm(destinationDir, { recursive: true, force: true });
    await mkdir(destinationDir, { recursive: true });
    for (const [i, relative] of relatives.entries()) {
      const objectUrl = formatS3Url({ bucket, key: files[i]!.key });
      await fetchObject(client, objectUrl, join(destinationDir, relative), signal);
    }
    return files.length;
  } finally {
    client.destroy();
  }
}

async function fetchObject(
  client: S3Client,
  url: string,
  destinationPath: string,
  signal?: AbortSignal,
): Promise<number> {
  const { bucket, key } = parseS3Url(url);
  if (key === '' || key.endsWith('/'))
    throw new Error(`${url} names no object (a key ending in a name)`);
  await mkdir(dirname(destinationPath), { recursive: true });
  const { GetObjectCommand } = await loadClientS3();
  const stall = new StallGuard(signal);
  try {
    const answer = await client
      .send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: stall.signal })
      .catch((error: unknown) => {
        throw describeS3Error(stall.reason() ?? error, 'GetObject', url);
      });
    const body = answer.Body as Readable | undefined;
    if (!body) throw new Error(`GetObject ${url} answered no body`);
    let size = 0;
    // Counted inside the pipeline: a 'data' listener would start the flow before it is piped.
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        stall.refresh();
        done(null, chunk);
      },
    });
    await pipeline(body, count, createWriteStream(destinationPath), { signal: stall.signal }).catch(
      (error: unknown) => {
        throw new Error(`GetObject ${url} failed: ${(stall.reason() ?? (error as Error)).message}`);
      },
    );
    return size;
  } finally {
    stall.clear();
  }
}

/** An abort signal that fires after S3_STALL_MS without progress, or with the caller's signal. */
export class StallGuard {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal;

  constructor(outer?: AbortSignal) {
    this.timer = setTimeout(
      () => this.controller.abort(new Error(`no data for ${S3_STALL_MS / 1000} s`)),
      S3_STALL_MS,
    );
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  refresh(): void {
    this.timer.refresh();
  }

  /** Why the transfer was aborted, if it was. */
  reason(): Error | undefined {
    if (!this.signal.aborted) return undefined;
    const reason: unknown = this.signal.reason;
    return reason instanceof Error ? reason : new Error(String(reason));
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
