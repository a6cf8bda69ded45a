/**
 * How a local task's end is read: from its markers, or — started directly — as its launcher told
 * it, with no marker read (the launcher writes the same marker a moment later, for recovery).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readOutcome, type OutcomeFacts } from './read-outcome.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-outcome-'));
after(() => rmSync(root, { recursive: true, force: true }));

function facts(name: string, extra: Partial<OutcomeFacts> = {}): OutcomeFacts {
  const taskDir = mkdtempSync(join(root, name));
  return { taskDir, executorCount: 1, oomKilled: false, memoryBy: 'none', ...extra };
}

test('a told exit 0 is COMPLETE with no marker on disk yet', () => {
  const report = readOutcome(facts('told0', { told: { exitCode: 0 } }));
  assert.equal(report.state, 'COMPLETE');
  assert.equal(report.exitCode, 0);
  assert.deepEqual(report.executorExitCodes, [0]);
});

test('a told failure keeps its code and the launcher’s complaint', () => {
  const told = { exitCode: 127, complaint: '/no/such: spawn ENOENT' };
  const report = readOutcome(facts('told127', { told }));
  assert.equal(report.state, 'EXECUTOR_ERROR');
  assert.equal(report.exitCode, 127);
  assert.equal(report.systemLog, '/no/such: spawn ENOENT');
});

test('the marker decides when nothing was told; none at all is SYSTEM_ERROR', () => {
  const marked = facts('marked');
  writeFileSync(join(marked.taskDir, 'exit'), '3\n');
  assert.equal(readOutcome(marked).exitCode, 3);
  const torn = facts('torn');
  writeFileSync(join(torn.taskDir, 'exit'), '');
  assert.equal(readOutcome(torn).state, 'SYSTEM_ERROR', 'an empty marker is no exit code');
  assert.equal(readOutcome(facts('none')).state, 'SYSTEM_ERROR');
});
