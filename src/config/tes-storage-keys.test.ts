import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageFromConfig } from '../core/tes-storage-config.js';
import { ConfigError, loadConfig, redactConfig } from './load-config.js';

test('tes.schemes and tes.s3.* are read from flags, the environment and their dotted names', () => {
  const config = loadConfig({
    flags: { 'tes.schemes': 's3, FILE', 'tes.s3.endpoint': 'http://127.0.0.1:8333' },
    env: {
      JOBPROXY_TES_S3_REGION: 'eu-west-1',
      JOBPROXY_TES_S3_FORCEPATHSTYLE: 'true',
      JOBPROXY_TES_S3_ACCESSKEYID: 'AK',
      JOBPROXY_TES_S3_SECRETACCESSKEY: 'SK',
    },
  });
  assert.deepEqual(config.tesSchemes, ['s3', 'file']);
  assert.deepEqual(storageFromConfig(config), {
    schemes: ['file', 's3'],
    s3: {
      endpoint: 'http://127.0.0.1:8333',
      region: 'eu-west-1',
      forcePathStyle: true,
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
    },
    http: { allow: [], maxBytes: 16 * 1024 ** 3 },
  });
  assert.equal(redactConfig(config).tesS3SecretAccessKey, '***');
});

test('the defaults: every scheme on, S3 as the SDK finds it, loopback http refused, 16 GiB cap', () => {
  assert.deepEqual(storageFromConfig(loadConfig({})), {
    schemes: ['file', 'http', 'https', 's3'],
    s3: {},
    http: { allow: [], maxBytes: 16 * 1024 ** 3 },
  });
});

test('tes.httpAllow takes addresses and CIDR ranges; anything else is named', () => {
  const config = loadConfig({ flags: { 'tes.httpAllow': '127.0.0.1, 10.0.0.0/8,::1' } });
  assert.deepEqual(config.tesHttpAllow, ['127.0.0.1', '10.0.0.0/8', '::1']);
  assert.throws(() => loadConfig({ flags: { 'tes.httpAllow': 'example.org' } }), /tesHttpAllow/);
});

test('bad values are reported with their key', () => {
  const problems = (flags: Record<string, unknown>): readonly string[] => {
    try {
      loadConfig({ flags });
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
    assert.fail('accepted');
  };
  assert.match(
    problems({ 'tes.schemes': 'file,gs' })[0]!,
    /^tesSchemes .*expected some of file, http, https, s3/,
  );
  assert.match(problems({ 'tes.s3.endpoint': 'ftp://x' })[0]!, /^tesS3Endpoint .*expected an http/);
  assert.deepEqual(problems({ 'tes.s3.accessKeyId': 'AK' }), [
    'tes.s3.accessKeyId and tes.s3.secretAccessKey: set both or neither',
  ]);
});
