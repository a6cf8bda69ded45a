import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeS3Error } from './s3-errors.js';

test('SDK errors become one line naming the operation, the URL and the reason', () => {
  const noBucket = { name: 'NoSuchBucket', message: 'x', $metadata: { httpStatusCode: 404 } };
  assert.equal(
    describeS3Error(noBucket, 'GetObject', 's3://b/k').message,
    'GetObject s3://b/k failed: the bucket does not exist (NoSuchBucket, HTTP 404)',
  );
  const noCredentials = { name: 'CredentialsProviderError', message: 'Could not load' };
  assert.match(
    describeS3Error(noCredentials, 'PutObject', 's3://b/k').message,
    /^PutObject s3:\/\/b\/k failed: no S3 credentials found \(set tes\.s3\.accessKeyId/,
  );
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'Error' });
  assert.equal(
    describeS3Error(refused, 'ListObjectsV2', 's3://b/').message,
    'ListObjectsV2 s3://b/ failed: connect ECONNREFUSED 127.0.0.1:1 (Error)',
  );
  const head404 = { name: 'Unknown', $metadata: { httpStatusCode: 404 } };
  assert.match(describeS3Error(head404, 'HeadObject', 's3://b/k').message, /failed: not found/);
});
