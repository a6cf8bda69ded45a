/**
 * The launcher's direct path, run in this process, with the faults it must survive: a launch
 * recovery claimed first (before its markers directory existed, too), a task directory that
 * already exists, a command that cannot start, outputs outside the task's directory.
 * Runs as root (the owner's uid is 65534).
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ClaimTaken, startDirect, UseSupervisor, type DirectStart } from './direct-start.js';
import { recoverLaunch } from './host-launch.js';
import { processStartTime } from './process-probe.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-direct-'));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

function plan(command: string[], owner?: number): DirectStart {
  const base = join(root, String(++count));
  const taskDir = join(base, 'task');
  const markersDir = join(base, 'markers');
  mkdirSync(markersDir, { recursive: true });
  return {
    taskDir,
    markersDir,
    launch: 1,
    command,
    env: { PATH: '/usr/bin:/bin' },
    ...(owner !== undefined ? { uid: owner, gid: owner } : {}),
    stdout: join(taskDir, 'stdout'),
    stderr: join(taskDir, 'stderr'),
    cgroupDirs: [],
  };
}

function run(start: DirectStart): Promise<number> {
  return new Promise((resolve) => startDirect(start, resolve));
}

test('runs as the owner, outputs owned by it, exit and claim recorded', async () => {
  const start = plan(['/bin/sh', '-c', 'id -u; echo oops >&2; exit 4'], 65534);
  const pid = await run(start);
  assert.equal(readFileSync(start.stdout, 'utf8'), '65534\n');
  assert.equal(readFileSync(start.stderr, 'utf8'), 'oops\n');
  assert.equal(statSync(start.stdout).uid, 65534);
  const dir = statSync(start.taskDir);
  assert.equal(dir.uid, 65534);
  assert.equal(dir.mode & 0o777, 0o700);
  assert.equal(readFileSync(join(start.markersDir, 'exit'), 'utf8'), '4\n');
  const claim = readFileSync(join(start.markersDir, 'claim.1'), 'utf8');
  const started = processStartTime('self');
  assert.equal(claim, `launcher ${process.pid} ${started}\n${pid}\n`);
  // A restarted server reads that claim as a launch that ran, with both pids.
  assert.deepEqual(recoverLaunch(start.markersDir), {
    kind: 'ran',
    launch: 1,
    pid,
    launcher: process.pid,
    launcherStart: started,
  });
});

test('a launch recovery claimed first never runs', () => {
  const start = plan(['/bin/sh', '-c', `touch ${join(root, 'ran-late')}`]);
  writeFileSync(join(start.markersDir, 'claim.1'), 'recovery\n');
  assert.throws(() => startDirect(start, () => undefined), ClaimTaken);
  assert.equal(existsSync(join(start.markersDir, 'exit')), false);
  assert.equal(readFileSync(join(start.markersDir, 'claim.1'), 'utf8'), 'recovery\n');
  assert.equal(existsSync(join(root, 'ran-late')), false);
});

test('an existing task directory goes to the supervisor, with nothing claimed or opened', () => {
  const start = plan(['/bin/true'], 65534);
  mkdirSync(start.taskDir);
  writeFileSync(join(start.taskDir, 'planted'), '');
  assert.throws(() => startDirect(start, () => undefined), UseSupervisor);
  assert.equal(existsSync(join(start.markersDir, 'claim.1')), false);
  assert.equal(existsSync(start.stdout), false);
  assert.equal(statSync(start.taskDir).uid, 0, 'the directory was left alone');
});

test('a command that cannot start ends 127 with the reason, as a shell would', async () => {
  const start = plan(['/no/such/command']);
  await run(start);
  assert.equal(readFileSync(join(start.markersDir, 'exit'), 'utf8'), '127\n');
  assert.match(readFileSync(join(start.markersDir, 'supervisor.err'), 'utf8'), /ENOENT/);
});

test('a signal is recorded as 128 + its number', async () => {
  const start = plan(['/bin/sh', '-c', 'kill -TERM $$']);
  await run(start);
  assert.equal(readFileSync(join(start.markersDir, 'exit'), 'utf8'), '143\n');
});

test('a first launch makes its markers directory, the server\u2019s alone', async () => {
  const start = plan(['/bin/true'], 65534);
  rmSync(start.markersDir, { recursive: true });
  await run(start);
  const markers = statSync(start.markersDir);
  assert.equal(markers.uid, 0);
  assert.equal(markers.mode & 0o777, 0o700);
  assert.equal(readFileSync(join(start.markersDir, 'exit'), 'utf8'), '0\n');
});

test('a launch recovery claimed before its markers directory existed never runs', () => {
  const start = plan(['/bin/sh', '-c', `touch ${join(root, 'ran-after-recovery')}`]);
  rmSync(start.markersDir, { recursive: true });
  assert.deepEqual(recoverLaunch(start.markersDir), { kind: 'never-ran', nextLaunch: 2 });
  assert.throws(() => startDirect(start, () => undefined), ClaimTaken);
  assert.equal(existsSync(join(root, 'ran-after-recovery')), false);
});

test('inheritEnv: the task\u2019s variables over the launcher\u2019s own environment', async () => {
  process.env.JOBPROXY_TEST_INHERITED = 'from-the-server';
  try {
    const print = ['/bin/sh', '-c', 'echo "$JOBPROXY_TEST_INHERITED/$OWN/$PATH"'];
    const inherited = { ...plan(print), env: { OWN: 'own', PATH: '/bin' }, inheritEnv: true };
    await run(inherited);
    assert.equal(readFileSync(inherited.stdout, 'utf8'), 'from-the-server/own//bin\n');
    const alone = { ...plan(print), env: { OWN: 'own', PATH: '/bin' } };
    await run(alone);
    assert.equal(readFileSync(alone.stdout, 'utf8'), '/own//bin\n');
  } finally {
    delete process.env.JOBPROXY_TEST_INHERITED;
  }
});

test('the server\u2019s environment is never given to a task run as another user', () => {
  const start = { ...plan(['/bin/true'], 65534), inheritEnv: true };
  assert.throws(() => startDirect(start, () => undefined), /bad request: inheritEnv/);
  assert.equal(existsSync(start.taskDir), false, 'nothing made');
});

test('an output outside the task\u2019s directory goes to the supervisor, nothing made', () => {
  const start = { ...plan(['/bin/true'], 65534), stdout: join(root, 'elsewhere') };
  assert.throws(() => startDirect(start, () => undefined), UseSupervisor);
  assert.equal(existsSync(start.taskDir), false);
  assert.equal(existsSync(join(start.markersDir, 'claim.1')), false);
});
