import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directoryPrefix, joinKey, parseS3Url, relativeKeyPath } from './s3-url.js';

test('s3 URLs: bucket and key, the bucket checked against S3 naming rules', () => {
  assert.deepEqual(parseS3Url('s3://my-object-store/file1'), {
    bucket: 'my-object-store',
    key: 'file1',
  });
  assert.deepEqual(parseS3Url('S3://b.c-1/a/b/'), { bucket: 'b.c-1', key: 'a/b/' });
  assert.deepEqual(parseS3Url('s3://bucket'), { bucket: 'bucket', key: '' });
  for (const bad of [
    's3://',
    's3://ab/x',
    's3://Upper/x',
    's3://a..b/x',
    's3://-ab/x',
    'gs://b/x',
  ]) {
    assert.throws(() => parseS3Url(bad), Error, bad);
  }
  assert.throws(() => parseS3Url('s3://bucket/a\nb'), /control characters/);
  assert.throws(() => parseS3Url(`s3://bucket/${'k'.repeat(1025)}`), /1024 bytes/);
});

test('a key below a prefix becomes a relative path only when it cannot climb out', () => {
  assert.equal(relativeKeyPath('dir/a/b.txt', 'dir/'), 'a/b.txt');
  for (const key of ['dir/../x', 'dir//x', 'dir/./x', 'dir/', 'dir/a/..', 'other/x', 'dir/a//']) {
    assert.equal(relativeKeyPath(key, 'dir/'), undefined, key);
  }
  assert.equal(directoryPrefix(''), '');
  assert.equal(directoryPrefix('d'), 'd/');
  assert.equal(joinKey('out', '/x/y.txt'), 'out/x/y.txt');
  assert.equal(joinKey('', 'y.txt'), 'y.txt');
});
