/**
 * Store faults with real SQLite fault injection (issue 11; needs root): the WAL made immutable
 * (chattr +i on ext4 → SQLITE_IOERR_WRITE) and a full tmpfs (→ SQLITE_FULL). The server answers
 * 503/507 with Retry-After in the catalogue's shape, logs the fault once, keeps serving reads,
 * and writes a task's end it could not store once the store works again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { startTestServer, tempDir, waitForState, type TestServer } from '../helpers/test-server.js';
import { assertErrorShape, type RawAnswer } from './error-shape.js';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT_NEEDED = 'fault injection needs root (chattr +i, mount -t tmpfs); run the tests as root';

/** A logger whose lines are kept, to count how often a fault was logged. */
function recordingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

async function submit(
  server: TestServer,
  cmd: string,
): Promise<RawAnswer & { retryAfter: string | null }> {
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', cmd }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    text: await response.text(),
    retryAfter: response.headers.get('retry-after'),
  };
}

/** chattr on `path`, failing with what is missing (tmpfs under TMPDIR has no immutable flag). */
function chattr(flag: '+i' | '-i', path: string): void {
  try {
    execFileSync('chattr', [flag, path], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(
      `chattr ${flag} ${path} failed (${stderr.trim() || (error as Error).message}): this test ` +
        'needs root, e2fsprogs and an ext4/xfs file system under TMPDIR (not tmpfs)',
    );
  }
}

function faultLogs(lines: Record<string, unknown>[]): number {
  return lines.filter((line) => String(line.msg).startsWith('the task store failed')).length;
}

test('an unwritable WAL: 503 STORE_UNAVAILABLE, reads served, logged once, the end written later', async (t) => {
  assert.equal(process.getuid?.(), 0, ROOT_NEEDED);
  const { log, lines } = recordingLog();
  const server = await startTestServer({ logger: log });
  const wal = `${server.config.store}-wal`;
  const running = await submit(server, 'sleep 1; exit 3');
  assert.equal(running.status, 200, running.text);
  await waitForState(server, running.text, (s) => s.code === 'RUNNING');
  chattr('+i', wal);
  t.after(() => chattr('-i', wal));
  for (let i = 0; i < 3; i++) {
    const refused = await submit(server, 'true');
    const body = assertErrorShape(refused, 503, 'STORE_UNAVAILABLE');
    assert.match(body.message, /SQLITE_IOERR/);
    assert.equal(refused.retryAfter, '5');
  }
  const listing = await fetch(`${server.url}/v1/jobproxy/state`);
  assert.equal(listing.status, 200, 'reads must keep being served');
  // The task ends while the store refuses writes: its end waits, the process lives on.
  await sleep(1500);
  assert.equal(server.service.pendingWrites.size > 0, true, 'the end should wait for the store');
  assert.equal(faultLogs(lines), 1, 'the fault is logged once, not per request');
  chattr('-i', wal);
  const ended = await waitForState(server, running.text, undefined, 10_000);
  assert.equal(ended.code, 'EXECUTOR_ERROR');
  assert.equal(ended.exitCode, 3);
  assert.equal((await submit(server, 'true')).status, 200);
  assert.ok(lines.some((line) => line.msg === 'the task store works again'));
});

test('a full disk: 507 STORE_FULL with Retry-After; every accepted task is kept', async (t) => {
  assert.equal(process.getuid?.(), 0, ROOT_NEEDED);
  const dir = tempDir();
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
  t.after(() => execFileSync('umount', ['-l', disk]));
  const server = await startTestServer({
    store: join(disk, 'jobproxy.db'),
    workdir: join(dir, 'work'),
    frameworkOptions: { paused: true },
  });
  const filler = join(disk, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // dd ends with "No space left on device": the disk is full, as wanted.
  }
  const accepted: string[] = [];
  let refused: (RawAnswer & { retryAfter: string | null }) | undefined;
  for (let i = 0; i < 200 && !refused; i++) {
    const answer = await submit(server, `echo ${'x'.repeat(2000)}`);
    if (answer.status === 200) accepted.push(answer.text);
    else refused = answer;
  }
  assert.ok(refused, 'the full disk never refused a submit');
  const body = assertErrorShape(refused, 507, 'STORE_FULL');
  assert.match(body.message, /SQLITE_FULL/);
  assert.equal(refused.retryAfter, '30');
  assert.equal((await fetch(`${server.url}/v1/jobproxy/ping`)).status, 200);
  rmSync(filler);
  writeFileSync(join(dir, 'freed'), '');
  assert.equal((await submit(server, 'true')).status, 200);
  for (const id of accepted)
    assert.equal((await fetch(`${server.url}/v1/jobproxy/state/${id}`)).status, 200);
});
