/**
 * TES end to end on the local framework, over HTTP: executors run on the host in order, inputs are
 * staged (content, file:// files and directories, http://), outputs collected (wildcards with
 * path_prefix, directories), exit codes and output tails logged. Every answer is checked against
 * the pinned schema by the TES client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getState, startTestServer } from '../helpers/test-server.js';
import { createTask, tes, waitForTes, type Json } from './tes-client.js';

// The test's own file server listens on loopback, which TES inputs are refused by default.
const server = await startTestServer({ containers: 'host', tesHttpAllow: ['127.0.0.1'] });
const root = join(server.config.workdir, 'e2e');
const sh = (script: string, extra: Json = {}): Json => ({
  image: 'alpine',
  command: ['/bin/sh', '-c', script],
  ...extra,
});

function firstLog(task: Json): Json {
  const logs = task.logs as Json[];
  assert.equal(logs.length, 1, 'one TaskLog per attempt');
  return logs[0]!;
}

function executorLogs(task: Json): Json[] {
  return firstLog(task).logs as Json[];
}

test('two executors with a 128 KiB content input and a wildcard output complete with files, sizes and exit codes', async () => {
  const dir = join(root, 'two');
  const content = `${'x'.repeat(128 * 1024)}END\n`;
  const id = await createTask(server, {
    name: 'two executors',
    inputs: [{ path: join(dir, 'in/data.txt'), content }],
    executors: [
      sh('mkdir -p out && wc -c < in/data.txt > out/count.txt && echo one', { workdir: dir }),
      sh('tail -c 4 in/data.txt > out/tail.txt; echo skipped > out/skip.log; echo two >&2', {
        workdir: dir,
      }),
    ],
    outputs: [
      {
        path: join(dir, 'out/*.txt'),
        path_prefix: join(dir, 'out/'),
        url: pathToFileURL(join(dir, 'results')).href,
      },
    ],
  });
  const task = await waitForTes(server, id);
  assert.equal(task.state, 'COMPLETE', JSON.stringify(task.logs));
  assert.equal(readFileSync(join(dir, 'results/count.txt'), 'utf8').trim(), String(content.length));
  assert.equal(readFileSync(join(dir, 'results/tail.txt'), 'utf8'), 'END\n');
  assert.equal(
    existsSync(join(dir, 'results/skip.log')),
    false,
    'only what the pattern matches is copied',
  );
  const log = firstLog(task);
  assert.deepEqual(log.outputs, [
    {
      url: pathToFileURL(join(dir, 'results/count.txt')).href,
      path: join(dir, 'out/count.txt'),
      size_bytes: String(`${content.length}\n`.length),
    },
    {
      url: pathToFileURL(join(dir, 'results/tail.txt')).href,
      path: join(dir, 'out/tail.txt'),
      size_bytes: '4',
    },
  ]);
  const [first, second] = executorLogs(task);
  assert.equal(first!.exit_code, 0);
  assert.equal(second!.exit_code, 0);
  assert.equal(first!.stdout, 'one\n');
  assert.equal(second!.stderr, 'two\n');
  assert.ok(log.start_time && log.end_time, 'the attempt has start and end times');
  assert.equal(
    ((task.inputs as Json[])[0]!.content as string).length,
    content.length,
    'FULL shows the content',
  );

  const basic = await tes(server, 'GET', `/tasks/${id}?view=BASIC`);
  assert.equal(basic.status, 200);
  assert.equal((firstLog(basic.body).outputs as Json[]).length, 2, 'BASIC keeps the output logs');

  // Canceling a finished task changes nothing.
  const cancel = await tes(server, 'POST', `/tasks/${id}:cancel`);
  assert.deepEqual([cancel.status, cancel.body], [200, {}]);
  assert.equal((await waitForTes(server, id)).state, 'COMPLETE');
  // The v1 API sees the same task.
  assert.equal((await getState(server, id)).code, 'COMPLETE');
});

test('an executor that exits 3 ends the task as EXECUTOR_ERROR with exit_code 3; later executors do not run', async () => {
  const marker = join(root, 'three', 'second-ran');
  const id = await createTask(server, {
    executors: [
      sh('echo failing >&2; exit 3'),
      sh(`mkdir -p ${join(root, 'three')} && touch ${marker}`),
    ],
  });
  const task = await waitForTes(server, id);
  assert.equal(task.state, 'EXECUTOR_ERROR');
  const logs = executorLogs(task);
  assert.equal(logs.length, 1, 'only the executor that ran has a log');
  assert.equal(logs[0]!.exit_code, 3);
  assert.equal(logs[0]!.stderr, 'failing\n');
  assert.equal(existsSync(marker), false);
});

test('ignore_error lets the next executor run and records both exit codes', async () => {
  const id = await createTask(server, {
    executors: [sh('exit 5', { ignore_error: true }), sh('echo after')],
  });
  const task = await waitForTes(server, id);
  assert.equal(task.state, 'COMPLETE');
  assert.deepEqual(
    executorLogs(task).map((log) => log.exit_code),
    [5, 0],
  );
});

test('inputs from http://, file:// files and directories; a directory output is flattened', async () => {
  const dir = join(root, 'files');
  mkdirSync(join(dir, 'source/tree/sub'), { recursive: true });
  writeFileSync(join(dir, 'source/single.txt'), 'single\n');
  writeFileSync(join(dir, 'source/tree/a.txt'), 'a\n');
  writeFileSync(join(dir, 'source/tree/sub/b.txt'), 'bb\n');
  const http = createServer((request, response) => {
    if (request.url === '/remote.txt') return void response.end('remote data\n');
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  try {
    const id = await createTask(server, {
      inputs: [
        { path: join(dir, 'work/remote.txt'), url: `http://127.0.0.1:${port}/remote.txt` },
        {
          path: join(dir, 'work/single.txt'),
          url: pathToFileURL(join(dir, 'source/single.txt')).href,
        },
        { path: join(dir, 'work/tree'), url: join(dir, 'source/tree'), type: 'DIRECTORY' },
      ],
      executors: [
        sh('cat remote.txt single.txt tree/a.txt tree/sub/b.txt > all.txt', {
          workdir: join(dir, 'work'),
        }),
      ],
      outputs: [
        { path: join(dir, 'work/all.txt'), url: pathToFileURL(join(dir, 'out/all.txt')).href },
        {
          path: join(dir, 'work/tree'),
          url: pathToFileURL(join(dir, 'out/tree')).href,
          type: 'DIRECTORY',
        },
      ],
    });
    const task = await waitForTes(server, id);
    assert.equal(task.state, 'COMPLETE', JSON.stringify(task.logs));
    assert.equal(readFileSync(join(dir, 'out/all.txt'), 'utf8'), 'remote data\nsingle\na\nbb\n');
    assert.deepEqual(
      (firstLog(task).outputs as Json[]).map((o) => [o.path, o.size_bytes]),
      [
        [join(dir, 'work/all.txt'), '24'],
        [join(dir, 'work/tree/a.txt'), '2'],
        [join(dir, 'work/tree/sub/b.txt'), '3'],
      ],
    );
    assert.equal(readFileSync(join(dir, 'out/tree/sub/b.txt'), 'utf8'), 'bb\n');

    const missing = await createTask(server, {
      inputs: [{ path: join(dir, 'work/none.txt'), url: `http://127.0.0.1:${port}/none.txt` }],
      executors: [sh('true')],
    });
    const failed = await waitForTes(server, missing);
    assert.equal(failed.state, 'SYSTEM_ERROR');
    assert.match(
      (firstLog(failed).system_logs as string[]).join('\n'),
      /inputs\[0\]: GET .*none\.txt answered 404/,
    );
  } finally {
    http.close();
  }
});

test('an output that cannot be collected turns COMPLETE into SYSTEM_ERROR with the reason in system_logs', async () => {
  const dir = join(root, 'lost');
  const id = await createTask(server, {
    executors: [sh('true')],
    outputs: [
      { path: join(dir, 'never-written.txt'), url: pathToFileURL(join(dir, 'copy.txt')).href },
    ],
  });
  const task = await waitForTes(server, id);
  assert.equal(task.state, 'SYSTEM_ERROR');
  const systemLogs = firstLog(task).system_logs as string[];
  assert.match(systemLogs.join('\n'), /outputs\[0\]\.path: .*never-written\.txt does not exist/);
  assert.equal(executorLogs(task)[0]!.exit_code, 0, 'the executor itself succeeded');
});
