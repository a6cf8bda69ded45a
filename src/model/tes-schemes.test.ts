import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobProxyError } from '../errors.js';
import { tesExtra } from './tes-task.js';
import { parseTesTask, type TesValidationOptions } from './validate-tes.js';

const HOST: TesValidationOptions = { allowedRoots: ['/work'], backendParameters: [] };
const CONTAINERS: TesValidationOptions = { ...HOST, containerRoot: '/work/tes/abc' };

function problemsOf(body: unknown, options: TesValidationOptions): string[] {
  try {
    parseTesTask(body, options);
  } catch (error) {
    assert.ok(error instanceof JobProxyError);
    return error.details!.map((d) => `${d.field}: ${d.problem}`);
  }
  assert.fail('the task was accepted');
}

// The create requests of the GA4GH TES compliance suite: s3:// URLs, container paths under /data.
const COMPLIANCE_TASK = {
  name: 'string',
  description: 'string',
  inputs: [{ url: 's3://my-object-store/file1', path: '/data/file1' }],
  outputs: [{ path: '/data/outfile', url: 's3://my-object-store/outfile-1', type: 'FILE' }],
  resources: { cpu_cores: 4, preemptible: false, ram_gb: 8, disk_gb: 40, zones: ['us-west-1'] },
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
};

test('the compliance suite s3:// create requests are accepted in containers', () => {
  const tes = tesExtra(parseTesTask(COMPLIANCE_TASK, CONTAINERS))!;
  assert.equal(tes.inputs[0]!.url, 's3://my-object-store/file1');
  assert.equal(tes.outputs[0]!.url, 's3://my-object-store/outfile-1');
  // A directory input and a wildcard output to an S3 prefix too.
  const more = parseTesTask(
    {
      executors: [{ image: 'i', command: ['x'] }],
      inputs: [{ url: 's3://bucket/dir/', path: '/data/dir', type: 'DIRECTORY' }],
      outputs: [
        { path: '/data/out/*.txt', path_prefix: '/data/out/', url: 's3://bucket/results/' },
      ],
    },
    CONTAINERS,
  );
  assert.equal(tesExtra(more)!.inputs[0]!.type, 'DIRECTORY');
});

test('s3:// URLs on the host: accepted; a bad bucket is a 400 naming the field', () => {
  const body = {
    executors: [{ image: 'i', command: ['x'] }],
    inputs: [
      { url: 's3://bucket/a', path: '/work/a' },
      { url: 's3://No_Such/a', path: '/work/b' },
    ],
    outputs: [{ path: '/work/o', url: 's3://x/o' }],
  };
  assert.deepEqual(problemsOf(body, HOST), [
    `inputs[1].url: names no valid bucket ("No_Such": 3-63 of a-z, 0-9, '.', '-')`,
    `outputs[0].url: names no valid bucket ("x": 3-63 of a-z, 0-9, '.', '-')`,
  ]);
});

test('a scheme switched off (tes.schemes) is a 400 naming the field, for inputs and outputs', () => {
  const body = {
    executors: [{ image: 'i', command: ['x'] }],
    inputs: [
      { url: 's3://bucket/a', path: '/work/a' },
      { url: 'https://example.org/b', path: '/work/b' },
      { url: 'file:///work/src/c', path: '/work/c' },
    ],
    outputs: [{ path: '/work/o', url: 's3://bucket/o' }],
  };
  assert.deepEqual(problemsOf(body, { ...HOST, schemes: ['file', 'http'] }), [
    'inputs[0].url: the s3 scheme is switched off on this server (tes.schemes); use file:// or an absolute path, http://',
    'inputs[1].url: the https scheme is switched off on this server (tes.schemes); use file:// or an absolute path, http://',
    'outputs[0].url: the s3 scheme is switched off on this server (tes.schemes); use file:// or an absolute path',
  ]);
  assert.deepEqual(problemsOf(body, { ...HOST, schemes: ['s3', 'https'] }), [
    'inputs[2].url: the file scheme is switched off on this server (tes.schemes); use https://, s3://',
  ]);
});

test('in containers, a DIRECTORY output directly below / is accepted (cwl-tes writes its outdir so)', () => {
  const body = {
    executors: [{ image: 'i', command: ['x'] }],
    outputs: [
      { path: '/vqaamr', url: 'file:///work/out/', type: 'DIRECTORY' },
      { path: '/file.txt', url: 'file:///work/out/file.txt', type: 'FILE' },
    ],
  };
  assert.deepEqual(problemsOf(body, CONTAINERS), [
    'outputs[1].path: must be below / when executors run in containers: outputs are written into a mounted directory',
  ]);
});
