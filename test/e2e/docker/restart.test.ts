/**
 * SIGKILL the server while container tasks run, start another on the same store and workdir: it
 * re-attaches to the container still running, records the real exit of the one that ended while
 * no server ran, removes both once recorded, and leaves other servers' containers alone. The
 * servers are child processes (`jobproxy serve`), so the kill is real.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { getState, submitTask, tempDir, waitForState } from '../../helpers/test-server.js';
import {
  DOCKER_SOCKET,
  TEST_IMAGE,
  containersOf,
  containerTask,
  docker,
  eventually,
  freePort,
  requireDocker,
} from './docker-helpers.js';

await requireDocker();

const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const dir = tempDir();
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `jobproxy serve` on this test's store and workdir; resolves once it answers ping. */
async function startChild(): Promise<{ url: string; child: ChildProcess }> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn(
    process.execPath,
    [
      MAIN,
      'serve',
      '--state',
      join(dir, 'state'),
      '--store',
      join(dir, 'jobproxy.db'),
      '--workdir',
      join(dir, 'work'),
      '-u',
      `${url}/`,
      '--log',
      'warn',
      '-o',
      'containers=docker',
      '-o',
      `local.dockerSocket=${DOCKER_SOCKET}`,
      '-o',
      'pollInterval=200',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await eventually(`the server at ${url} answers (stderr: ${stderr})`, async () => {
    if (child.exitCode !== null)
      throw new Error(`jobproxy serve exited with ${child.exitCode}: ${stderr}`);
    try {
      return (await fetch(`${url}/v1/jobproxy/ping`)).status === 200;
    } catch {
      return false;
    }
  });
  return { url, child };
}

async function sigkill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

test('SIGKILL while containers run: re-attach, exits recorded, containers removed', async () => {
  // Another server's container (another instance label) must survive the recovery untouched.
  const foreign = await docker.createContainer({
    Image: TEST_IMAGE,
    Cmd: ['sleep', '300'],
    Labels: { 'jobproxy.task': `foreign-${randomUUID()}`, 'jobproxy.instance': 'another-server' },
    HostConfig: { Init: true },
  });
  after(() => foreign.remove({ force: true }));
  await foreign.start();

  const first = await startChild();
  const ends = await submitTask(first, containerTask('echo a-start; sleep 2; echo a-end; exit 7'));
  const runs = await submitTask(first, containerTask('echo b-start; sleep 12; echo b-end'));
  for (const id of [ends, runs]) await waitForState(first, id, (s) => s.code === 'RUNNING', 30_000);
  const [runsContainer] = await containersOf(runs);
  assert.ok(runsContainer, 'no container labelled with the running task');

  await sigkill(first.child);
  // The first task ends while no server runs; its container stays until a server records it.
  await eventually('the first task exits with no server', async () =>
    (await containersOf(ends)).some((c) => c.State === 'exited'),
  );

  const second = await startChild();
  const recorded = await waitForState(second, ends, undefined, 30_000);
  assert.equal(recorded.code, 'EXECUTOR_ERROR', JSON.stringify(recorded));
  assert.equal(recorded.exitCode, 7);
  assert.match(String(recorded.stdout), /a-start\na-end/);

  const attached = await getState(second, runs);
  assert.equal(attached.code, 'RUNNING', JSON.stringify(attached));
  const [still] = await containersOf(runs);
  assert.equal(
    still?.Id,
    runsContainer.Id,
    'the running task was not re-attached to its container',
  );
  const completed = await waitForState(second, runs, undefined, 60_000);
  assert.equal(completed.code, 'COMPLETE', JSON.stringify(completed));
  assert.match(String(completed.stdout), /b-start\nb-end/);

  await eventually(
    'both containers are removed',
    async () => (await containersOf(ends)).length === 0 && (await containersOf(runs)).length === 0,
  );
  assert.equal(
    (await foreign.inspect()).State.Running,
    true,
    "another server's container was touched",
  );
  const listing = (await (await fetch(`${second.url}/v1/jobproxy/state`)).json()) as {
    state: { id: string }[];
  };
  assert.equal(listing.state.filter((s) => s.id === ends || s.id === runs).length, 2);
  await sigkill(second.child);
});
