/**
 * Container tasks of the v1 API on the local framework, against the real dockerd: outputs kept
 * apart, exit codes, engine limits, mounts, published ports, delete, pull failures, mount roots.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { getState, submitTask, waitForState } from '../../helpers/test-server.js';
import {
  containersOf,
  containerTask,
  eventually,
  freePort,
  requireDocker,
  startDockerServer,
} from './docker-helpers.js';

await requireDocker();
const server = await startDockerServer();
const finish = (id: string) => waitForState(server, id, undefined, 60_000);

test('the framework reports docker and honours containers, ports and mounts', async () => {
  assert.equal(server.service.containers, 'docker');
  const { supports } = server.service.backendInfo;
  assert.deepEqual([supports.containers, supports.ports, supports.mounts], [true, true, true]);
});

test('stdout and stderr go to their files, apart; exit 5 → EXECUTOR_ERROR, exit code 5', async () => {
  const id = await submitTask(server, containerTask('echo to-stdout; echo to-stderr >&2; exit 5'));
  const state = await finish(id);
  assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
  assert.equal(state.exitCode, 5);
  assert.match(String(state.description), /exited with code 5/);
  const taskDir = join(server.config.workdir, 'tasks', id);
  assert.equal(readFileSync(join(taskDir, 'stdout'), 'utf8'), 'to-stdout\n');
  assert.equal(readFileSync(join(taskDir, 'stderr'), 'utf8'), 'to-stderr\n');
  assert.equal(state.stdout, 'to-stdout\n');
  assert.equal(state.stderr, 'to-stderr\n');
  // Removed right after its end was recorded.
  await eventually(
    'the finished container is removed',
    async () => (await containersOf(id)).length === 0,
  );
});

test('memory 64 allocating 200 MiB → EXECUTOR_ERROR naming the memory limit', async () => {
  // dd allocates its 200 MiB block at once: the memory cgroup kills it.
  const id = await submitTask(
    server,
    containerTask('dd if=/dev/zero of=/dev/null bs=200M count=1', { memory: 64 }),
  );
  const state = await finish(id);
  assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
  assert.match(String(state.description), /memory limit 64 MiB exceeded/);
});

test('a ro mount can be read but not written; a rw mount can be written', async () => {
  const ro = join(server.config.workdir, 'mount-ro');
  const rw = join(server.config.workdir, 'mount-rw');
  mkdirSync(ro, { recursive: true });
  mkdirSync(rw, { recursive: true });
  writeFileSync(join(ro, 'in.txt'), 'from-host\n');
  const id = await submitTask(
    server,
    containerTask(
      'cat /ro/in.txt; if echo x > /ro/new; then echo RO-WRITTEN; else echo RO-REFUSED; fi; echo from-container > /rw/out.txt',
      {
        container: {
          mounts: [
            { mount: { host: ro, container: '/ro', mode: 'ro' } },
            { mount: { host: rw, container: '/rw', mode: 'rw' } },
          ],
        },
      },
    ),
  );
  const state = await finish(id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.match(String(state.stdout), /from-host/);
  assert.match(String(state.stdout), /RO-REFUSED/);
  assert.equal(existsSync(join(ro, 'new')), false, 'the ro mount was written');
  assert.equal(readFileSync(join(rw, 'out.txt'), 'utf8'), 'from-container\n');
});

test('a mount outside the allowed roots is refused with 400 naming the field', async () => {
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(
      containerTask('true', {
        container: { mounts: [{ mount: { host: '/etc', container: '/x', mode: 'ro' } }] },
      }),
    ),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { message: string; details?: { field: string }[] };
  assert.ok(
    body.details?.some((d) => d.field === 'container.mounts[0].mount.host'),
    JSON.stringify(body),
  );
});

test('a published port answers from the host while the task runs', async () => {
  const hostPort = await freePort();
  const id = await submitTask(
    server,
    containerTask(
      'mkdir /www && echo served-by-task > /www/index.html && exec httpd -f -p 8080 -h /www',
      {
        container: { ports: [{ port: { host: hostPort, container: 8080 } }] },
      },
    ),
  );
  await waitForState(server, id, (s) => s.code === 'RUNNING', 30_000);
  let body = '';
  await eventually(`http://127.0.0.1:${hostPort}/ answers`, async () => {
    try {
      body = await (await fetch(`http://127.0.0.1:${hostPort}/index.html`)).text();
      return true;
    } catch {
      return false;
    }
  });
  assert.equal(body, 'served-by-task\n');
  const response = await fetch(`${server.url}/v1/jobproxy/delete/${id}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
});

test('delete of a running container task leaves no container behind', async () => {
  const id = await submitTask(server, containerTask('echo started; sleep 300'));
  await waitForState(server, id, (s) => s.code === 'RUNNING', 30_000);
  await eventually('the container runs', async () =>
    (await containersOf(id)).some((c) => c.State === 'running'),
  );
  const response = await fetch(`${server.url}/v1/jobproxy/delete/${id}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
  assert.equal((await fetch(`${server.url}/v1/jobproxy/state/${id}`)).status, 404);
  assert.deepEqual(await containersOf(id), []);
});

test('an image that cannot be pulled → SYSTEM_ERROR with the engine reason', async () => {
  const id = await submitTask(server, {
    user: 'docker-test',
    container: { image: 'jobproxy-test/no-such-image:0', cmd: 'true' },
  });
  const state = await finish(id);
  assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
  assert.match(
    String(state.description),
    /could not pull image jobproxy-test\/no-such-image:0: \S+/,
  );
});

test('a command the image does not have → EXECUTOR_ERROR 127 with the reason in stderr', async () => {
  const id = await submitTask(server, {
    user: 'docker-test',
    container: { image: 'jobproxy-test/busybox:latest', cmd: ['/no/such/program'] },
  });
  const state = await finish(id);
  assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
  assert.equal(state.exitCode, 127);
  // The init (tini) or the engine says why; either way it is in the task's stderr.
  assert.match(String((await getState(server, id)).stderr), /\/no\/such\/program/);
});

test('cores 1 pins the container to one CPU with a quota', async () => {
  const id = await submitTask(
    server,
    // cgroup v1 shows the quota in cpu.cfs_quota_us, v2 in cpu.max ("100000 100000").
    containerTask(
      'grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max',
      {
        cores: 1,
      },
    ),
  );
  const state = await finish(id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.match(String(state.stdout), /Cpus_allowed_list:\s*\d+\n100000( 100000)?\n/);
});
