/**
 * What the S3 e2e tests share: the real SeaweedFS server scripts/s3/start.sh runs (they fail,
 * never skip, when it does not answer), its static test credentials, a fresh bucket per test
 * file, and reading objects back to check what a task uploaded.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Config } from '../../../src/config/config.js';
import type { S3Settings } from '../../../src/storage/s3-settings.js';

/** Written by scripts/s3/start.sh; the variables themselves override it. */
const ENV_FILE = `${process.env.JOBPROXY_S3_STATE ?? '/var/lib/jobproxy-s3'}/s3.env`;

function startScriptSettings(): Record<string, string> {
  try {
    const lines = readFileSync(ENV_FILE, 'utf8').split('\n');
    return Object.fromEntries(lines.filter((l) => l.includes('=')).map((l) => l.split('=', 2)));
  } catch {
    return {};
  }
}

const written = startScriptSettings();
const setting = (name: string, fallback: string): string =>
  process.env[name] ?? written[name] ?? fallback;

/** How the tests reach the test server (the defaults of scripts/s3/start.sh). */
export const S3_TEST: Required<Pick<S3Settings, 'endpoint' | 'accessKeyId' | 'secretAccessKey'>> = {
  endpoint: setting('JOBPROXY_TEST_S3_ENDPOINT', 'http://127.0.0.1:8333'),
  accessKeyId: setting('JOBPROXY_TEST_S3_ACCESS_KEY', 'jobproxy-test'),
  secretAccessKey: setting('JOBPROXY_TEST_S3_SECRET_KEY', 'jobproxy-test-secret'),
};

// The SDK's credential chain must never reach for instance metadata (a non-loopback address).
process.env.AWS_EC2_METADATA_DISABLED = 'true';

/** The config keys (tes.s3.*) of a server that stages through the test S3 server. */
export const S3_CONFIG: Partial<Config> = {
  tesS3Endpoint: S3_TEST.endpoint,
  tesS3Region: 'us-east-1',
  tesS3ForcePathStyle: true,
  tesS3AccessKeyId: S3_TEST.accessKeyId,
  tesS3SecretAccessKey: S3_TEST.secretAccessKey,
};

export const s3 = new S3Client({
  endpoint: S3_TEST.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: S3_TEST.accessKeyId, secretAccessKey: S3_TEST.secretAccessKey },
});

/** Throws, naming what is missing, unless the S3 server answers. */
export async function requireS3(): Promise<void> {
  const how =
    'start it with `bash scripts/s3/start.sh` (as root: builds SeaweedFS from the Go module ' +
    'proxy if missing, starts it on loopback) — or run the tests through npm test';
  try {
    const response = await fetch(`${S3_TEST.endpoint}/healthz`);
    if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
  } catch (error) {
    throw new Error(
      `the S3 server is missing: nothing answers on ${S3_TEST.endpoint} (${(error as Error).message}); ${how}`,
    );
  }
}

/** A new bucket for one test file. */
export async function freshBucket(prefix = 'jobproxy-e2e'): Promise<string> {
  const bucket = `${prefix}-${randomUUID().slice(0, 8)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function putObject(bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function readObject(bucket: string, key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return answer.Body!.transformToString();
}

/** Every key below a prefix, sorted. */
export async function keysBelow(bucket: string, prefix: string): Promise<string[]> {
  const answer = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (answer.Contents ?? []).map((object) => object.Key!).sort();
}
