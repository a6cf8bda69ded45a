/**
 * The launcher's direct path, run in this process, with the faults it must survive: a launch
 * recovery claimed first, a task directory that already exists, a command that cannot start, and
 * outputs the server made ahead (kept its own until the start, refused if they changed).
 * Runs as root (the owner's uid is 65534).
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
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
import { prepareOutputs } from './task-dirs.js';

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

/** A start whose directory and outputs the server made ahead (task-dirs.ts prepareOutputs). */
function preparedPlan(command: string[], owner: number): DirectStart {
  const start = { ...plan(command, owner), prepared: true };
  const made = prepareOutputs(start.taskDir, [start.stdout, start.stderr], {
    uid: owner,
    gid: owner,
    name: 'nobody',
    home: '',
    pooled: true,
  });
  assert.equal(made, true);
  return start;
}

test('outputs made ahead stay the server’s until the start, then are the owner’s', async () => {
  const start = preparedPlan(['/bin/sh', '-c', 'id -u; echo oops >&2'], 65534);
  const before = statSync(start.taskDir);
  assert.equal(before.uid, 0, 'the server’s until the start');
  assert.equal(before.mode & 0o777, 0o700);
  assert.equal(statSync(start.stdout).uid, 65534);
  await run(start);
  assert.equal(readFileSync(start.stdout, 'utf8'), '65534\n');
  assert.equal(readFileSync(start.stderr, 'utf8'), 'oops\n');
  assert.equal(statSync(start.taskDir).uid, 65534, 'given to the owner at start');
  assert.equal(readFileSync(join(start.markersDir, 'exit'), 'utf8'), '0\n');
});

test('a prepared directory that changed goes to the supervisor, with nothing claimed', () => {
  const start = preparedPlan(['/bin/true'], 65534);
  chmodSync(start.taskDir, 0o755);
  assert.throws(() => startDirect(start, () => undefined), UseSupervisor);
  assert.equal(existsSync(join(start.markersDir, 'claim.1')), false);
  assert.equal(statSync(start.taskDir).uid, 0, 'not given away');
});

test('nothing is made ahead where the directory exists or an output is elsewhere', () => {
  const start = plan(['/bin/true'], 65534);
  mkdirSync(start.taskDir);
  assert.equal(prepareOutputs(start.taskDir, [start.stdout, start.stderr], undefined), false);
  assert.equal(existsSync(start.stdout), false);
  const other = plan(['/bin/true'], 65534);
  const outside = join(root, 'elsewhere');
  assert.equal(prepareOutputs(other.taskDir, [outside, other.stderr], undefined), false);
  assert.equal(existsSync(other.taskDir), false);
});
