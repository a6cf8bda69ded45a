/**
 * A restarted server adopting tasks a launcher started directly (claim "launcher <pid>"), with
 * the faults that can meet it: the launcher still reaping (the task stays RUNNING until its exit
 * marker appears, then ends with that code), the launcher gone with no exit (SYSTEM_ERROR, the
 * task's processes killed), the exit written while no server ran (the real code).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import type { JobReport } from '../backend.js';
import { createLocalBackend } from './local-backend.js';
import { localTask } from './testing/local-task.js';
import { frameworkDefaults } from '../create-backend.js';
import { LAUNCHER_MARKER } from './launcher-marker.js';
import { processStartTime } from './process-probe.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-adopt-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A backend on a fresh state, with one task whose claim.1 `claim` holds; reports collected. */
function setUp(name: string, claim: string) {
  const dir = join(root, name);
  const workdir = join(dir, 'work');
  const stateDir = join(dir, 'state');
  const markers = join(stateDir, 'tasks', 't1');
  mkdirSync(markers, { recursive: true });
  mkdirSync(join(workdir, 'tasks', 't1'), { recursive: true });
  writeFileSync(join(markers, 'claim.1'), claim);
  const reports: JobReport[] = [];
  const options = frameworkDefaults('local');
  const backend = createLocalBackend({
    options: { ...options, runAs: 'root', cgroups: 'off' },
    workdir,
    stateDir,
    log: pino({ level: 'silent' }),
    report: (_id, report) => reports.push(report),
  });
  return { backend, reports, markers, task: localTask(workdir, 't1', { state: 'RUNNING' }) };
}

/** A live process that looks like a launcher of ours (its argv holds the marker). */
function fakeLauncher() {
  return spawn('/bin/sh', ['-c', 'sleep 30', LAUNCHER_MARKER], { stdio: 'ignore' });
}

test('a live launcher keeps the task RUNNING; its exit marker then ends it with the code', async () => {
  const launcher = fakeLauncher();
  const { backend, reports, markers, task } = setUp('live', `launcher ${launcher.pid}\n`);
  try {
    await backend.recover([task]);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['RUNNING'],
    );
    await backend.poll([task]);
    assert.equal(
      reports.length,
      1,
      'still running while the launcher lives and no exit is written',
    );
    writeFileSync(join(markers, 'exit'), '6\n');
    await backend.poll([task]);
    assert.equal(reports[1]?.state, 'EXECUTOR_ERROR');
    assert.equal(reports[1]?.exitCode, 6);
  } finally {
    launcher.kill('SIGKILL');
    await backend.close();
  }
});

test('a dead launcher and no exit: SYSTEM_ERROR naming the launcher, the executor killed', async () => {
  const launcher = fakeLauncher();
  const executor = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
  const { backend, reports, task } = setUp('dead', `launcher ${launcher.pid}\n${executor.pid}\n`);
  try {
    await backend.recover([task]);
    assert.equal(reports[0]?.state, 'RUNNING');
    launcher.kill('SIGKILL');
    await new Promise((resolve) => launcher.once('exit', resolve));
    await backend.poll([task]);
    assert.equal(reports[1]?.state, 'SYSTEM_ERROR');
    assert.match(String(reports[1]?.description), /launcher/);
    assert.match(String(reports[1]?.systemLog), new RegExp(`launcher pid ${launcher.pid}`));
    const signal = await new Promise((resolve) => executor.once('exit', (_c, s) => resolve(s)));
    assert.equal(signal, 'SIGKILL');
  } finally {
    executor.kill('SIGKILL');
    await backend.close();
  }
});

test('an exit recorded while no server ran is reported with its code at recovery', async () => {
  // A leftover of the task (a background child, say) is killed with it.
  const leftover = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
  const { backend, reports, markers, task } = setUp('ended', `launcher 999999\n${leftover.pid}\n`);
  writeFileSync(join(markers, 'exit'), '0\n');
  try {
    await backend.recover([task]);
    assert.deepEqual(
      reports.map((r) => [r.state, r.exitCode]),
      [['COMPLETE', 0]],
    );
    const signal = await new Promise((resolve) => leftover.once('exit', (_c, s) => resolve(s)));
    assert.equal(signal, 'SIGKILL');
  } finally {
    leftover.kill('SIGKILL');
    await backend.close();
  }
});

test('a live launcher that reuses the recorded pid (another start time) is not taken for it', async () => {
  // The pid is a live process of ours with the marker, but it started at another time than the
  // claim records: the claim's launcher is gone, so the task ends SYSTEM_ERROR, never hangs.
  const launcher = fakeLauncher();
  const startTime = processStartTime(launcher.pid!)!;
  const claim = `launcher ${launcher.pid} ${startTime + 1}\n`;
  const { backend, reports, task } = setUp('reused', claim);
  try {
    await backend.recover([task]);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['SYSTEM_ERROR'],
    );
    assert.match(String(reports[0]?.description), /launcher/);
  } finally {
    launcher.kill('SIGKILL');
    await backend.close();
  }
});

test('the same launcher (pid and start time as recorded) keeps its task RUNNING', async () => {
  const launcher = fakeLauncher();
  const claim = `launcher ${launcher.pid} ${processStartTime(launcher.pid!)}\n`;
  const { backend, reports, task } = setUp('same', claim);
  try {
    await backend.recover([task]);
    assert.deepEqual(
      reports.map((r) => r.state),
      ['RUNNING'],
    );
  } finally {
    launcher.kill('SIGKILL');
    await backend.close();
  }
});
