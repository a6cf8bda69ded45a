/**
 * py-tes 1.1.4 (the GA4GH Python client) against a default-config `jobproxy serve`: files,
 * volumes, views, paging and cancel, as pytes_check.py does them. Fails when the venv is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_IMAGE } from '../docker/docker-helpers.js';
import { runsOnHost, startServeProcess } from './serve-process.js';
import { run, venvBin } from './venv.js';

const SCRIPTS = resolve(import.meta.dirname, '../../../../test/e2e/workflows');

test('py-tes: files, volumes, views, paging and cancel against jobproxy serve', async () => {
  const bin = venvBin('pytes');
  const server = await startServeProcess();
  const hostDir = join(server.workdir, 'pytes');
  mkdirSync(join(hostDir, 'results'), { recursive: true });
  // The client is root; its tasks run as a pool uid of their own, which writes the results
  // (with the kernel checking): a shared, sticky directory, as /tmp is.
  chmodSync(hostDir, 0o1777);
  chmodSync(join(hostDir, 'results'), 0o1777);
  const onHost = await runsOnHost(server.url);
  const taskRoot = onHost ? join(hostDir, 'task') : '/data';
  const result = await run(
    `${bin}/python`,
    [join(SCRIPTS, 'pytes_check.py'), server.url, hostDir, taskRoot, TEST_IMAGE],
    { cwd: server.dir, timeoutMs: 300_000 },
  );
  assert.equal(
    result.code,
    0,
    `py-tes checks failed (executors on the ${onHost ? 'host' : 'containers'}):\n${result.output}\n--- server:\n${server.output().slice(-4000)}`,
  );
  assert.match(result.output, /pytes: all checks passed/);
});
