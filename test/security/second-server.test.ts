/**
 * A second server on the same state (issue 11): it must not run recovery under a live server.
 * `jobproxy serve` locks the state directory before it opens the store and exits 2 naming the
 * pid that holds it; a server whose port is taken fails before recovery claims or launches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { DEFAULT_CONFIG, type Config } from '../../src/config/config.js';
import { startServer } from '../../src/server.js';
import { newTaskRecord } from '../../src/model/new-task.js';
import type { TaskSpec } from '../../src/model/task.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { frameworkOptions, startTestServer, submitTask, tempDir } from '../helpers/test-server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function runServe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, JOBPROXY_LOG: 'silent' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    // A second server that does start is the failure; do not wait for it forever.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('jobproxy serve on a store in use exits 2 naming the pid, and leaves its tasks alone', async () => {
  const first = await startTestServer({ frameworkOptions: { paused: true } });
  const id = await submitTask(first, { user: 'alice', cmd: 'true' });
  // The first server itself records the job id just after the answer: wait for it.
  for (let i = 0; i < 500 && first.service.getTask(id).jobId === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.notEqual(
    first.service.getTask(id).jobId,
    null,
    'the first server never recorded a job id',
  );
  const before = first.service.getTask(id);
  const { code, stderr } = await runServe([
    '--store',
    first.config.store,
    '--workdir',
    join(first.dir, 'other-work'),
    '-u',
    'http://127.0.0.1:0/',
  ]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, new RegExp(`pid ${process.pid}\\b`));
  assert.deepEqual(first.service.getTask(id), before);
});

test('a server whose port is taken fails before recovery touches a queued task', async () => {
  const dir = tempDir();
  const storePath = join(dir, 'jobproxy.db');
  const store = openSqliteStore(storePath);
  const spec: TaskSpec = {
    user: 'alice',
    origin: 'v1',
    executors: [{ command: ['/bin/sh', '-c', 'true'] }],
    resources: {},
  };
  const record = newTaskRecord('queued-1', spec, 'local', [
    { stdout: join(dir, 'o'), stderr: join(dir, 'e') },
  ]);
  store.insertTask(record);
  store.close();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  test.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const config: Config = {
    ...DEFAULT_CONFIG,
    serveruri: `http://127.0.0.1:${port}/`,
    store: storePath,
    workdir: join(dir, 'work'),
    frameworks: { local: frameworkOptions('local', { runAs: 'root' }) },
  };
  await assert.rejects(startServer(config, pino({ level: 'silent' })), { code: 'EADDRINUSE' });
  const after = openSqliteStore(storePath);
  const task = after.getTask('queued-1');
  after.close();
  assert.equal(task?.state, 'QUEUED');
  assert.equal(task?.jobId, null, 'recovery submitted the task although the server never listened');
});
