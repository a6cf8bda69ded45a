/**
 * s3:// TES inputs and outputs against a real S3-compatible server (SeaweedFS, scripts/s3), with
 * executors on the host: an object and a prefix (a DIRECTORY) in; a file, a directory and a
 * wildcard out, one over the multipart threshold; a missing bucket or bad credentials end the
 * task as SYSTEM_ERROR with the reason, after a create that was accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../../helpers/test-server.js';
import { createTask, waitForTes, type Json } from '../../tes/tes-client.js';
import { PART_SIZE } from '../../../src/storage/s3-upload.js';
import {
  freshBucket,
  keysBelow,
  putObject,
  readObject,
  requireS3,
  s3,
  S3_CONFIG,
} from './s3-helpers.js';

await requireS3();
const bucket = await freshBucket();
const server = await startTestServer({ containers: 'host', ...S3_CONFIG });
const root = join(server.config.workdir, 's3');
const sh = (script: string, workdir: string): Json => ({
  image: 'alpine',
  command: ['/bin/sh', '-c', script],
  workdir,
});

function systemLogs(task: Json): string {
  return ((task.logs as Json[])[0]!.system_logs as string[]).join('\n');
}

test('an object and a prefix in; a file, a directory and a wildcard out, to S3', async () => {
  await putObject(bucket, 'in/one.txt', 'one\n');
  await putObject(bucket, 'ref/a.txt', 'alpha\n');
  await putObject(bucket, 'ref/deep/b.txt', 'beta\n');
  const dir = join(root, 'roundtrip');
  const id = await createTask(server, {
    inputs: [
      { url: `s3://${bucket}/in/one.txt`, path: join(dir, 'one.txt') },
      { url: `s3://${bucket}/ref`, path: join(dir, 'ref'), type: 'DIRECTORY' },
    ],
    executors: [
      sh(
        'cat one.txt ref/a.txt ref/deep/b.txt > all.txt && mkdir -p tree/sub out && ' +
          'echo x > tree/x.txt && echo y > tree/sub/y.txt && echo 1 > out/r1.csv && ' +
          'echo 2 > out/r2.csv && echo no > out/skip.log && ' +
          `head -c ${PART_SIZE + 1024 * 1024} /dev/zero > big.bin`,
        dir,
      ),
    ],
    outputs: [
      { path: join(dir, 'all.txt'), url: `s3://${bucket}/results/all.txt` },
      { path: join(dir, 'tree'), url: `s3://${bucket}/results/tree`, type: 'DIRECTORY' },
      { path: join(dir, 'out/*.csv'), path_prefix: join(dir, 'out/'), url: `s3://${bucket}/csv/` },
      { path: join(dir, 'big.bin'), url: `s3://${bucket}/results/big.bin` },
    ],
  });
  const task = await waitForTes(server, id, 60_000);
  assert.equal(task.state, 'COMPLETE', JSON.stringify(task.logs));
  assert.equal(readFileSync(join(dir, 'all.txt'), 'utf8'), 'one\nalpha\nbeta\n');
  assert.equal(await readObject(bucket, 'results/all.txt'), 'one\nalpha\nbeta\n');
  assert.deepEqual(await keysBelow(bucket, 'results/tree/'), [
    'results/tree/sub/y.txt',
    'results/tree/x.txt',
  ]);
  assert.equal(await readObject(bucket, 'results/tree/sub/y.txt'), 'y\n');
  assert.deepEqual(await keysBelow(bucket, 'csv/'), ['csv/r1.csv', 'csv/r2.csv']);
  // Over one part: a multipart upload, whole.
  const big = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'results/big.bin' }));
  assert.equal(big.ContentLength, PART_SIZE + 1024 * 1024);
  const outputs = (task.logs as Json[])[0]!.outputs as Json[];
  const byUrl = Object.fromEntries(outputs.map((o) => [o.url, o.size_bytes]));
  assert.deepEqual(byUrl, {
    [`s3://${bucket}/results/all.txt`]: '15',
    [`s3://${bucket}/results/tree/sub/y.txt`]: '2',
    [`s3://${bucket}/results/tree/x.txt`]: '2',
    [`s3://${bucket}/csv/r1.csv`]: '2',
    [`s3://${bucket}/csv/r2.csv`]: '2',
    [`s3://${bucket}/results/big.bin`]: String(PART_SIZE + 1024 * 1024),
  });
});

test('a missing input object or bucket: the create is accepted, the task a SYSTEM_ERROR with the reason', async () => {
  const dir = join(root, 'missing');
  const noBucket = await createTask(server, {
    inputs: [{ url: 's3://jobproxy-no-such-bucket/x', path: join(dir, 'x') }],
    executors: [sh('true', root)],
  });
  const failed = await waitForTes(server, noBucket);
  assert.equal(failed.state, 'SYSTEM_ERROR');
  assert.match(
    systemLogs(failed),
    /inputs\[0\].*s3:\/\/jobproxy-no-such-bucket\/x.*bucket does not exist/,
  );

  const noKey = await createTask(server, {
    inputs: [{ url: `s3://${bucket}/no/such/key`, path: join(dir, 'y') }],
    executors: [sh('true', root)],
  });
  assert.match(systemLogs(await waitForTes(server, noKey)), /inputs\[0\].*no such object/);

  const emptyPrefix = await createTask(server, {
    inputs: [{ url: `s3://${bucket}/nothing-here/`, path: join(dir, 'd'), type: 'DIRECTORY' }],
    executors: [sh('true', root)],
  });
  assert.match(systemLogs(await waitForTes(server, emptyPrefix)), /no objects below/);
});

test('an output to a missing bucket makes a completed task a SYSTEM_ERROR with the reason', async () => {
  const dir = join(root, 'out-missing');
  const id = await createTask(server, {
    executors: [sh('echo hi > hi.txt', dir)],
    volumes: [dir],
    outputs: [{ path: join(dir, 'hi.txt'), url: 's3://jobproxy-no-such-bucket/hi.txt' }],
  });
  const task = await waitForTes(server, id);
  assert.equal(task.state, 'SYSTEM_ERROR');
  assert.match(systemLogs(task), /outputs\[0\].*bucket does not exist/);
});

test('credentials the server does not know: SYSTEM_ERROR naming the reason', async () => {
  const wrong = await startTestServer({
    containers: 'host',
    ...S3_CONFIG,
    tesS3AccessKeyId: 'not-a-known-key',
  });
  const id = await createTask(wrong, {
    inputs: [{ url: `s3://${bucket}/in/one.txt`, path: join(wrong.config.workdir, 'one.txt') }],
    executors: [sh('true', wrong.config.workdir)],
  });
  const task = await waitForTes(wrong, id);
  assert.equal(task.state, 'SYSTEM_ERROR');
  assert.match(systemLogs(task), /GetObject .*(access key is not known|access denied)/i);
});

test('no credentials anywhere (no tes.s3 keys, no AWS_* variables): SYSTEM_ERROR naming the reason', async () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  try {
    const bare = await startTestServer({
      containers: 'host',
      ...S3_CONFIG,
      tesS3AccessKeyId: '',
      tesS3SecretAccessKey: '',
    });
    // The SDK's chain also reads ~/.aws: point it at files that do not exist.
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(bare.dir, 'no-credentials');
    process.env.AWS_CONFIG_FILE = join(bare.dir, 'no-config');
    const id = await createTask(bare, {
      inputs: [{ url: `s3://${bucket}/in/one.txt`, path: join(bare.config.workdir, 'one.txt') }],
      executors: [sh('true', bare.config.workdir)],
    });
    const task = await waitForTes(bare, id);
    assert.equal(task.state, 'SYSTEM_ERROR');
    assert.match(systemLogs(task), /inputs\[0\]: GetObject .* failed: no S3 credentials found/);
  } finally {
    if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    delete process.env.AWS_CONFIG_FILE;
  }
});

test('an S3 endpoint that does not answer: SYSTEM_ERROR naming the connection failure', async () => {
  const down = await startTestServer({
    containers: 'host',
    ...S3_CONFIG,
    tesS3Endpoint: 'http://127.0.0.1:1',
  });
  const id = await createTask(down, {
    inputs: [{ url: `s3://${bucket}/in/one.txt`, path: join(down.config.workdir, 'one.txt') }],
    executors: [sh('true', down.config.workdir)],
  });
  const task = await waitForTes(down, id);
  assert.equal(task.state, 'SYSTEM_ERROR');
  assert.match(systemLogs(task), /inputs\[0\]: GetObject .* failed: .*ECONNREFUSED/);
});
