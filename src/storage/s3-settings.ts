/**
 * How JobProxy reaches S3: an explicit endpoint, region and static credentials where the operator
 * configured them (`tes.s3.*`), else what the AWS SDK finds itself, as the AWS CLI does — the
 * usual environment variables (AWS_ACCESS_KEY_ID, AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_PROFILE…),
 * the shared config and credentials files, then the rest of the SDK's default credential chain.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { loadClientS3 } from './s3-sdk.js';

/** Where S3 is and who JobProxy is there; every field is optional. */
export interface S3Settings {
  /** An S3-compatible endpoint such as http://127.0.0.1:8333; absent = AWS (or the SDK's env). */
  endpoint?: string;
  /** The region requests are signed for; absent = the SDK's default, else us-east-1. */
  region?: string;
  /** Address buckets as endpoint/bucket (needed by most S3-compatible servers). */
  forcePathStyle?: boolean;
  /** Static credentials; both or neither (then the SDK's default credential chain). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** With temporary credentials, as the SDK's chain resolved them (resolveS3Settings). */
  sessionToken?: string;
}

const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 60_000;

/** The region S3 requests fall back to when nothing names one (as the AWS CLI does for S3). */
export const FALLBACK_REGION = 'us-east-1';

/** A client for these settings; callers destroy() it when done. */
export async function createS3Client(settings: S3Settings): Promise<S3Client> {
  const { S3Client } = await loadClientS3();
  const config: S3ClientConfig = {
    region: settings.region || regionFromSdk,
    // A failing request says why at once rather than after several slow retries.
    maxAttempts: 3,
    // A server that accepts no connection, or sends nothing for a minute, fails the transfer.
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
  };
  if (settings.endpoint) config.endpoint = settings.endpoint;
  if (settings.forcePathStyle !== undefined) config.forcePathStyle = settings.forcePathStyle;
  if (settings.accessKeyId && settings.secretAccessKey) {
    config.credentials = {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
    };
  }
  return new S3Client(config);
}

let sdkRegion: Promise<string> | undefined;

/**
 * The SDK's own region chain (AWS_REGION, the profile's region…), else FALLBACK_REGION; looked up
 * once per process, as the environment and profile files are read once at start.
 */
function regionFromSdk(): Promise<string> {
  sdkRegion ??= (async () => {
    const { S3Client } = await loadClientS3();
    const probe = new S3Client({});
    try {
      return (await probe.config.region()) || FALLBACK_REGION;
    } catch {
      return FALLBACK_REGION;
    } finally {
      probe.destroy();
    }
  })();
  return sdkRegion;
}

/** True when the settings name a half of the static credentials only (a config mistake). */
export function hasHalfCredentials(settings: S3Settings): boolean {
  return Boolean(settings.accessKeyId) !== Boolean(settings.secretAccessKey);
}

/**
 * The settings with region and credentials resolved now through the SDK's chains, for a process
 * about to give up access to where they came from (the owner helper). Where no credentials are
 * found they stay unset: the transfer then fails with the SDK's own reason.
 */
export async function resolveS3Settings(settings: S3Settings): Promise<S3Settings> {
  const region = settings.region || (await regionFromSdk());
  if (settings.accessKeyId && settings.secretAccessKey) return { ...settings, region };
  const client = await createS3Client(settings);
  try {
    const found = await client.config.credentials();
    return {
      ...settings,
      region,
      accessKeyId: found.accessKeyId,
      secretAccessKey: found.secretAccessKey,
      ...(found.sessionToken ? { sessionToken: found.sessionToken } : {}),
    };
  } catch {
    return { ...settings, region };
  } finally {
    client.destroy();
  }
}
