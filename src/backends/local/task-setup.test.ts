/**
 * Where a task's markers are: an older server's layout (markers beside the outputs) only for a
 * task recovery found so, never for a task this server started, whatever its directory holds.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { frameworkDefaults } from '../create-backend.js';
import type { LocalOptions } from './local-jobs.js';
import { TaskSetup } from './task-setup.js';

const dir = mkdtempSync(join(tmpdir(), 'jobproxy-task-setup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const options = { ...frameworkDefaults('local'), cgroups: 'off' } as unknown as LocalOptions;
const context = {
  options: options as unknown as Record<string, unknown>,
  workdir: join(dir, 'work'),
  stateDir: join(dir, 'state'),
  log: pino({ level: 'silent' }),
  report: () => undefined,
};

/** A task directory as an older server left it: its claims beside its outputs. */
function oldLayoutTask(id: string): string {
  const taskDir = join(context.workdir, 'tasks', id);
  mkdirSync(taskDir, { recursive: true });
  writeFileSync(join(taskDir, 'claim.1'), '4242\n');
  return taskDir;
}

test('a task recovered in the old layout keeps it until it is forgotten', () => {
  const setup = new TaskSetup(context, options, undefined);
  const taskDir = oldLayoutTask('old-1');
  assert.deepEqual(setup.recoveredDirsOf('old-1'), { taskDir, markersDir: taskDir });
  assert.deepEqual(setup.dirsOf('old-1'), { taskDir, markersDir: taskDir });
  setup.forget('old-1');
  assert.equal(setup.dirsOf('old-1').markersDir, join(context.stateDir, 'tasks', 'old-1'));
});

test('a task this server started has its markers in the state directory, whatever its directory holds', () => {
  const setup = new TaskSetup(context, options, undefined);
  const taskDir = oldLayoutTask('new-1'); // Claims planted where the owner writes: not markers.
  assert.deepEqual(setup.dirsOf('new-1'), {
    taskDir,
    markersDir: join(context.stateDir, 'tasks', 'new-1'),
  });
});

test('a recovered task in the new layout is not remembered', () => {
  const setup = new TaskSetup(context, options, undefined);
  const markersDir = join(context.stateDir, 'tasks', 'new-2');
  mkdirSync(markersDir, { recursive: true });
  oldLayoutTask('new-2');
  assert.equal(setup.recoveredDirsOf('new-2').markersDir, markersDir);
  assert.equal(setup.dirsOf('new-2').markersDir, markersDir);
});
