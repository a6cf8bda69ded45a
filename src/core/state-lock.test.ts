import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, lockStateDirectory, processStat, StateLockedError } from './state-lock.js';
import { setTimeout as sleep } from 'node:timers/promises';

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-lock-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the lock file holds our pid and start time; release removes it', () => {
  const dir = freshDir();
  const lock = lockStateDirectory(dir);
  const [pid, start] = readFileSync(join(dir, LOCK_FILE), 'utf8').trim().split(' ');
  assert.equal(Number(pid), process.pid);
  assert.equal(start, processStat(process.pid)?.startTime);
  lock.release();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('a second lock of a held directory is refused, naming the holder', () => {
  const dir = freshDir();
  const lock = lockStateDirectory(dir);
  assert.throws(
    () => lockStateDirectory(dir),
    (error: unknown) =>
      error instanceof StateLockedError &&
      error.pid === process.pid &&
      error.message.includes(`pid ${process.pid}`),
  );
  lock.release();
  lockStateDirectory(dir).release();
});

test('a lock left by a process that is gone is taken over', async () => {
  const dir = freshDir();
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  writeFileSync(join(dir, LOCK_FILE), `${pid} 1\n`);
  const lock = lockStateDirectory(dir);
  assert.match(readFileSync(join(dir, LOCK_FILE), 'utf8'), new RegExp(`^${process.pid} `));
  lock.release();
});

test('a zombie holder is not alive: its lock is stale', async () => {
  const dir = freshDir();
  // The forked child exits at once; its parent sleeps without reaping it (perl-base is essential
  // on Debian).
  const script = '$| = 1; my $pid = fork; exit 0 unless $pid; print "$pid\\n"; sleep 3';
  const parent = spawn('perl', ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  test.after(() => parent.kill('SIGKILL'));
  const zombie = await new Promise<number>((resolve) =>
    parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))),
  );
  const deadline = Date.now() + 2000;
  while (processStat(zombie)?.state !== 'Z' && Date.now() < deadline) {
    await sleep(20);
  }
  assert.equal(processStat(zombie)?.state, 'Z', 'the child did not become a zombie');
  writeFileSync(join(dir, LOCK_FILE), `${zombie} ${processStat(zombie)!.startTime}\n`);
  lockStateDirectory(dir).release();
});

test('a live pid with another start time (the pid was reused) holds no lock', () => {
  const dir = freshDir();
  writeFileSync(join(dir, LOCK_FILE), `${process.pid} 1\n`);
  lockStateDirectory(dir).release();
});
