import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recoverLaunch } from './host-launch.js';

test('recovery blocks the launch after the highest claim, and finds the one that ran', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jp-recover-'));
  try {
    writeFileSync(join(dir, 'claim.1'), `${process.pid}\n`);
    const found = recoverLaunch(dir);
    assert.deepEqual(found, { kind: 'ran', launch: 1, pid: process.pid });
    assert.equal(readFileSync(join(dir, 'claim.2'), 'utf8'), 'recovery\n');
    // A second recovery: launch 2 was recovery's, so launch 1 is still the one that ran.
    assert.deepEqual(recoverLaunch(dir), { kind: 'ran', launch: 1, pid: process.pid });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a task that never ran is queued again after the blocked launch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jp-recover-'));
  try {
    assert.deepEqual(recoverLaunch(dir), { kind: 'never-ran', nextLaunch: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a claim that cannot be written (not EEXIST) stops recovery at once, naming the file', () => {
  // /proc/self takes no new files: the write fails with another error than EEXIST, as on a
  // full disk or an unwritable directory, and must not be retried for ever.
  assert.throws(
    () => recoverLaunch('/proc/self'),
    /cannot write the recovery claim \/proc\/self\/claim\.1/,
  );
});
