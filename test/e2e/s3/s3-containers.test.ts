/**
 * s3:// TES inputs and outputs with executors in containers (dockerd, the local test image): the
 * task's container paths are filled from S3 and collected back to it; the GA4GH compliance
 * suite's s3:// create requests are accepted and end as SYSTEM_ERROR naming the missing bucket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireDocker, startDockerServer, TEST_IMAGE } from '../docker/docker-helpers.js';
import { createTask, waitForTes, type Json } from '../../tes/tes-client.js';
import {
  freshBucket,
  keysBelow,
  putObject,
  readObject,
  requireS3,
  S3_CONFIG,
} from './s3-helpers.js';

await requireS3();
await requireDocker();
const bucket = await freshBucket('jobproxy-ctr');
const server = await startDockerServer(S3_CONFIG);

test('in a container: an object and a prefix in, a file and a wildcard out', async () => {
  await putObject(bucket, 'in/words.txt', 'b\na\n');
  await putObject(bucket, 'lib/x.txt', 'x\n');
  await putObject(bucket, 'lib/sub/y.txt', 'y\n');
  const id = await createTask(server, {
    inputs: [
      { url: `s3://${bucket}/in/words.txt`, path: '/data/words.txt' },
      { url: `s3://${bucket}/lib/`, path: '/data/lib', type: 'DIRECTORY' },
    ],
    executors: [
      {
        image: TEST_IMAGE,
        command: [
          '/bin/sh',
          '-c',
          'sort /data/words.txt > /out/sorted.txt && cat /data/lib/x.txt /data/lib/sub/y.txt > /out/xy.txt',
        ],
      },
    ],
    outputs: [
      { path: '/out/sorted.txt', url: `s3://${bucket}/out/sorted.txt` },
      { path: '/out/*.txt', path_prefix: '/out/', url: `s3://${bucket}/all/` },
    ],
  });
  const task = await waitForTes(server, id, 60_000);
  assert.equal(task.state, 'COMPLETE', JSON.stringify(task.logs));
  assert.equal(await readObject(bucket, 'out/sorted.txt'), 'a\nb\n');
  assert.deepEqual(await keysBelow(bucket, 'all/'), ['all/sorted.txt', 'all/xy.txt']);
  assert.equal(await readObject(bucket, 'all/xy.txt'), 'x\ny\n');
});

test('the compliance suite s3:// create requests are accepted; the task names the missing bucket', async () => {
  const id = await createTask(server, {
    name: 'string',
    description: 'string',
    inputs: [{ url: 's3://my-object-store/file1', path: '/data/file1' }],
    outputs: [{ path: '/data/outfile', url: 's3://my-object-store/outfile-1', type: 'FILE' }],
    resources: { cpu_cores: 1, preemptible: false, ram_gb: 0.5, disk_gb: 40, zones: ['us-west-1'] },
    executors: [
      {
        image: 'ubuntu:20.04',
        command: ['/bin/md5', '/data/file1'],
        workdir: '/data/',
        stdin: '/data/file1',
        stdout: '/tmp/stdout.log',
        stderr: '/tmp/stderr.log',
        env: { BLASTDB: '/data/GRC38', HMMERDB: '/data/hmmer' },
      },
    ],
    volumes: ['/vol/A/'],
    tags: { WORKFLOW_ID: 'cwl-01234', PROJECT_GROUP: 'alice-lab' },
  });
  const task = await waitForTes(server, id, 60_000);
  assert.equal(task.state, 'SYSTEM_ERROR');
  const logs = ((task.logs as Json[])[0]!.system_logs as string[]).join('\n');
  assert.match(logs, /inputs\[0\].*s3:\/\/my-object-store\/file1.*bucket does not exist/);
});
