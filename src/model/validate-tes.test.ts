import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobProxyError } from '../errors.js';
import { tesExtra } from './tes-task.js';
import { parseTesTask, type TesValidationOptions } from './validate-tes.js';

const OPTIONS: TesValidationOptions = {
  allowedRoots: ['/work', '/data/in'],
  backendParameters: ['cputime'],
};

function problemsOf(body: unknown, options = OPTIONS): string[] {
  try {
    parseTesTask(body, options);
  } catch (error) {
    assert.ok(error instanceof JobProxyError);
    assert.equal(error.code, 'INVALID_TASK');
    return error.details!.map((d) => `${d.field}: ${d.problem}`);
  }
  assert.fail('the task was accepted');
}

test('a full TES task becomes a TaskSpec with its TES parts in extra.tes', () => {
  const spec = parseTesTask(
    {
      name: 'md5',
      description: 'sums',
      inputs: [
        { path: '/work/in/a.txt', content: 'hello' },
        { path: '/work/in/b', url: 'file:///data/in/b', type: 'DIRECTORY' },
        { path: '/work/in/c', url: 'https://example.org/c' },
      ],
      outputs: [
        { path: '/work/out/*.md5', path_prefix: '/work/out/', url: 'file:///work/results' },
      ],
      resources: { cpu_cores: 2, ram_gb: 1.5, disk_gb: 10, preemptible: false, zones: ['z1'] },
      executors: [
        {
          image: 'ubuntu',
          command: ['md5sum', 'a.txt'],
          workdir: '/work/in',
          env: { A: '1' },
          stdout: '/work/o',
        },
        { image: 'ubuntu', command: ['true'], ignore_error: true },
      ],
      volumes: ['/work/vol'],
      tags: { project: 'x' },
      // Read-only fields a client may echo back are ignored.
      state: 'QUEUED',
    },
    OPTIONS,
  );
  assert.equal(spec.origin, 'tes');
  assert.equal(spec.user, 'anonymous');
  assert.equal(spec.name, 'md5');
  assert.deepEqual(spec.resources, { cores: 2, memoryMiB: 1536 });
  assert.deepEqual(spec.executors[0], {
    image: 'ubuntu',
    command: ['md5sum', 'a.txt'],
    workdir: '/work/in',
    stdout: '/work/o',
    env: { A: '1' },
  });
  assert.equal(spec.executors[1]!.ignoreError, true);
  assert.deepEqual(spec.tags, { project: 'x' });
  const tes = tesExtra(spec)!;
  assert.equal(tes.inputs.length, 3);
  assert.equal(tes.inputs[0]!.content, 'hello');
  assert.deepEqual(tes.volumes, ['/work/vol']);
  assert.deepEqual(tes.resources, {
    cpu_cores: 2,
    ram_gb: 1.5,
    disk_gb: 10,
    preemptible: false,
    zones: ['z1'],
  });
});

test('every problem is reported at once, with its field path', () => {
  const problems = problemsOf({
    executors: [
      { image: 'i', command: ['ok'] },
      { image: '', command: 'echo hi', env: { 'A-B': 'x', C: 1 }, bogus: 1 },
    ],
    inputs: [{ path: 'relative' }, { path: '/work/x', url: 'gs://bucket/x' }],
    outputs: [{ path: '/work/out/*.txt', url: 'file:///work/r' }],
    resources: { cpu_cores: 1.5, ram_gb: -1 },
    tags: { a: 1 },
    user: 'x',
  });
  assert.deepEqual(problems, [
    'user: unknown field (known: name, description, inputs, outputs, resources, executors, volumes, tags, id, state, logs, creation_time)',
    'executors[1].bogus: unknown field (known: image, command, workdir, stdin, stdout, stderr, env, ignore_error)',
    'executors[1].image: must not be empty',
    'executors[1].command: must be a non-empty list of strings',
    'executors[1].env.A-B: must be a variable name (letters, digits, _; not starting with a digit)',
    'executors[1].env.C: must be a string',
    'inputs[0].path: must be an absolute path',
    'inputs[0].url: is required unless content is given',
    'inputs[1].url: is not supported here (use file:// or an absolute path, http://, https://, s3://)',
    'outputs[0].path_prefix: is required when path has wildcards',
    'tags.a: must be a string',
    'resources.cpu_cores: must be a whole number ≥ 1',
    'resources.ram_gb: must be a number > 0 (GB)',
  ]);
});

test('a task needs at least one executor', () => {
  assert.deepEqual(problemsOf({}), ['executors: must be a non-empty list']);
  assert.deepEqual(problemsOf({ executors: [] }), ['executors: must be a non-empty list']);
  assert.deepEqual(problemsOf([]), ['task: must be an object']);
});

test('paths outside the allowed roots are refused, naming the field', () => {
  const outside = 'must lie inside the allowed roots (/work, /data/in): executors run on the host';
  const problems = problemsOf({
    executors: [
      {
        image: 'i',
        command: ['x'],
        workdir: '/etc',
        stdin: '/work/../etc/passwd',
        stdout: '/workshop/o',
      },
    ],
    inputs: [
      { path: '/tmp/a', url: 'file:///etc/passwd' },
      { path: '/work/b', url: '/etc/shadow' },
    ],
    outputs: [{ path: '/work/o', url: 'file:///root/o' }],
    volumes: ['/var/vol'],
  });
  assert.deepEqual(problems, [
    `executors[0].workdir: ${outside}`,
    'executors[0].stdin: must not contain ".." segments',
    `executors[0].stdout: ${outside}`,
    `inputs[0].path: ${outside}`,
    `inputs[0].url: ${outside}`,
    `inputs[1].url: ${outside}`,
    `outputs[0].url: ${outside}`,
    `volumes[0]: ${outside}`,
  ]);
});

test('content wins over url; empty content still needs nothing else', () => {
  const spec = parseTesTask(
    {
      executors: [{ image: 'i', command: ['x'] }],
      inputs: [
        { path: '/work/a', content: 'x', url: 's3://ignored' },
        { path: '/work/b', content: '' },
      ],
    },
    OPTIONS,
  );
  assert.equal(tesExtra(spec)!.inputs[0]!.url, 's3://ignored');
  assert.deepEqual(
    problemsOf({
      executors: [{ image: 'i', command: ['x'] }],
      inputs: [{ path: '/work/d', content: 'x', type: 'DIRECTORY' }],
    }),
    ['inputs[0].content: cannot be given for a DIRECTORY input'],
  );
});

test('outputs: only file:// and s3:// URLs; path_prefix must lead the pattern', () => {
  const problems = problemsOf({
    executors: [{ image: 'i', command: ['x'] }],
    outputs: [
      { path: '/work/a', url: 'https://host/a' },
      { path: '/work/out/*.txt', path_prefix: '/work/other/', url: 'file:///work/r' },
    ],
  });
  assert.deepEqual(problems, [
    'outputs[0].url: is not supported here (use file:// or an absolute path, s3://)',
    'outputs[1].path_prefix: must be an absolute path that path starts with',
  ]);
});

test('backend_parameters: supported keys kept, unknown ones dropped with a warning or refused when strict', () => {
  const base = { executors: [{ image: 'i', command: ['x'] }] };
  const spec = parseTesTask(
    { ...base, resources: { backend_parameters: { CPUTIME: '2m', VmSize: 'big' } } },
    OPTIONS,
  );
  assert.equal(spec.resources.cputimeSec, 120);
  assert.deepEqual(tesExtra(spec)!.resources!.backend_parameters, { CPUTIME: '2m' });
  assert.deepEqual(tesExtra(spec)!.warnings, [
    'backend parameter "VmSize" is not supported here (supported: cputime); ignored',
  ]);
  assert.deepEqual(
    problemsOf({
      ...base,
      resources: { backend_parameters: { VmSize: 'big' }, backend_parameters_strict: true },
    }),
    ['resources.backend_parameters.VmSize: is not supported here (supported: cputime)'],
  );
  assert.deepEqual(
    problemsOf({ ...base, resources: { backend_parameters: { cputime: 'soon' } } }),
    ['resources.backend_parameters.cputime: must be a duration > 0 like "90", "90s" or "2h"'],
  );
});

test('in containers: container paths, mounted from the task’s own host directory', () => {
  const containers = { ...OPTIONS, containerRoot: '/work/tes/t1' };
  const spec = parseTesTask(
    {
      inputs: [
        { path: '/data/in/a.txt', content: 'x' },
        { path: '/ref', url: 'file:///work/ref', type: 'DIRECTORY' },
        { path: '/vol/inside.txt', content: 'y' },
      ],
      outputs: [
        { path: '/data/out/*.txt', path_prefix: '/data/out/', url: 'file:///work/r' },
        { path: '/ref/result', url: 'file:///work/r2' },
      ],
      volumes: ['/vol'],
      executors: [{ image: 'i', command: ['x'], workdir: '/data', stdout: '/logs/o' }],
    },
    containers,
  );
  const [executor] = spec.executors;
  // Inside a mounted directory a path needs no mount of its own, unless it must be writable.
  assert.deepEqual(executor!.mounts, [
    { host: '/work/tes/t1/vol', container: '/vol', mode: 'rw' },
    { host: '/work/tes/t1/ref', container: '/ref', mode: 'rw' },
    { host: '/work/tes/t1/data/out', container: '/data/out', mode: 'rw' },
    { host: '/work/tes/t1/data/in/a.txt', container: '/data/in/a.txt', mode: 'ro' },
  ]);
  assert.equal(executor!.stdout, '/work/tes/t1/logs/o', 'stdout is written where /logs/o lives');
  assert.equal(executor!.workdir, '/data');
  assert.equal(tesExtra(spec)!.hostRoot, '/work/tes/t1');

  const problems = problemsOf(
    {
      executors: [{ image: 'i', command: ['x'] }],
      inputs: [{ path: '/', url: 'file:///etc/passwd' }],
      outputs: [{ path: '/top.txt', url: 'file:///work/top.txt' }],
    },
    containers,
  );
  assert.deepEqual(problems, [
    'inputs[0].path: must be below / when executors run in containers',
    'inputs[0].url: must lie inside the allowed roots (/work, /data/in)',
    'outputs[0].path: must be below / when executors run in containers: outputs are written into a mounted directory',
  ]);
});
