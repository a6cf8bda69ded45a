/**
 * What an S3 failure means, in one line a task's system_logs can show: the SDK's error names
 * (NoSuchBucket, InvalidAccessKeyId, CredentialsProviderError…) become a reason a person can act
 * on, with the URL and the operation that failed.
 */

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const REASONS: Record<string, string> = {
  NoSuchBucket: 'the bucket does not exist',
  NoSuchKey: 'no such object',
  NotFound: 'no such object',
  AccessDenied: 'access denied',
  InvalidAccessKeyId: 'the access key is not known to the S3 server',
  SignatureDoesNotMatch: 'the secret key does not match the access key',
  CredentialsProviderError: 'no S3 credentials found',
};

/** `GetObject s3://b/k failed: the bucket does not exist (NoSuchBucket)`. */
export function describeS3Error(error: unknown, operation: string, url: string): Error {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const name = sdk.name ?? 'Error';
  const status = sdk.$metadata?.httpStatusCode;
  let reason = REASONS[name];
  if (reason === undefined && name === 'Unknown' && status === 404) reason = 'not found';
  if (reason === undefined) reason = sdk.message || String(error);
  if (name === 'CredentialsProviderError') {
    reason +=
      ' (set tes.s3.accessKeyId/secretAccessKey, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)';
  }
  const code = status !== undefined ? `${name}, HTTP ${status}` : name;
  return new Error(`${operation} ${url} failed: ${reason} (${code})`);
}
