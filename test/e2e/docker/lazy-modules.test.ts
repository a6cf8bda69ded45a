/**
 * A server loads dockerode (and the gRPC, protobuf and ssh2 modules it brings) and the AWS SDK
 * only when it first needs them: `containers: auto` still finds dockerd at start (a plain GET on
 * the socket), service-info still lists s3://, and a container task still runs — after which
 * dockerode is loaded. Runs in a child process so the modules counted are the server's alone.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { tempDir } from '../../helpers/test-server.js';
import { DOCKER_SOCKET, requireDocker, TEST_IMAGE } from './docker-helpers.js';

const CHILD = fileURLToPath(new URL('./start-lazy-child.js', import.meta.url));

interface ChildReport {
  info: { description: string; storage: string[] };
  atStart: string[];
  taskState: string;
  afterTask: string[];
}

test('dockerode and the AWS SDK are loaded on first use, not at start', async () => {
  await requireDocker();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CHILD, tempDir(), DOCKER_SOCKET, TEST_IMAGE],
    { timeout: 60_000 },
  );
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildReport;
  assert.deepEqual(report.atStart, [], 'no heavy package is loaded at start');
  assert.match(report.info.description, /through docker/, 'containers: auto found dockerd');
  assert.ok(report.info.storage.includes('s3://'), 'service-info lists s3:// while it is on');
  assert.equal(report.taskState, 'COMPLETE');
  assert.ok(report.afterTask.includes('dockerode'), 'the container task loaded dockerode');
  assert.ok(!report.afterTask.includes('@aws-sdk'), 'no s3:// staging: the AWS SDK is not loaded');
});
