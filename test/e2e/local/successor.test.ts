/**
 * Successors (host-jobs.ts handOver): with the cores all taken, the head of the queue is handed
 * to the native launcher ahead and started the moment a direct task ends. It must still start in
 * submit order, never run when canceled first, and run exactly once when the launcher is killed
 * while it waits.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { launcherKind } from '../../../src/backends/local/launcher.js';
import { startTestServer, submitTask, waitForState } from '../../helpers/test-server.js';

function claimOf(stateDir: string, id: string, launch: number): string | undefined {
  const path = join(stateDir, 'tasks', id, `claim.${launch}`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

test('the native launcher is the one in use (successors need it)', () => {
  assert.equal(launcherKind(), 'native', 'build it: bash scripts/build-native.sh (needs gcc)');
});

test('one core, three tasks: each starts in submit order, the next right after the last ends', async () => {
  const server = await startTestServer({ frameworkOptions: { cores: 1 } });
  const first = await submitTask(server, { user: 'u', cmd: 'sleep 1; date +%s%N' });
  await waitForState(server, first, (s) => s.code === 'RUNNING');
  const second = await submitTask(server, { user: 'u', cmd: 'date +%s%N' });
  const third = await submitTask(server, { user: 'u', cmd: 'date +%s%N' });
  const times: number[] = [];
  for (const id of [first, second, third]) {
    const state = await waitForState(server, id);
    assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
    times.push(Number(String(state.stdout).trim()) / 1e6);
  }
  assert.ok(times[0]! < times[1]! && times[1]! < times[2]!, `in submit order: ${times}`);
  // The second did not wait for the server's poll: it started as the first ended.
  assert.ok(times[1]! - times[0]! < 1000, `${times[1]! - times[0]!} ms between them`);
});

test('a successor canceled before its start never runs; the queue goes on', async () => {
  const server = await startTestServer({ frameworkOptions: { cores: 1 } });
  const sideEffects = mkdtempSync(join(tmpdir(), 'jobproxy-successor-'));
  const running = await submitTask(server, { user: 'u', cmd: 'sleep 30' });
  await waitForState(server, running, (s) => s.code === 'RUNNING');
  const canceled = await submitTask(server, { user: 'u', cmd: `touch ${sideEffects}/ran` });
  const after = await submitTask(server, { user: 'u', cmd: 'echo after' });
  await sleep(300); // Handed over by now: it waits in the launcher.
  assert.equal((await waitForState(server, canceled, () => true)).code, 'QUEUED');
  const deleted = await fetch(`${server.url}/v1/jobproxy/delete/${canceled}`, { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  const stopped = await fetch(`${server.url}/v1/jobproxy/delete/${running}`, { method: 'DELETE' });
  assert.equal(stopped.status, 204);
  const next = await waitForState(server, after);
  assert.equal(next.code, 'COMPLETE');
  assert.equal(String(next.stdout).trim(), 'after');
  await sleep(300);
  assert.equal(existsSync(join(sideEffects, 'ran')), false, 'the canceled successor never ran');
});

test(
  'the launcher killed while a successor waits: the successor runs once, after',
  {
    timeout: 60_000,
  },
  async () => {
    const server = await startTestServer({ frameworkOptions: { cores: 1 } });
    const stateDir = server.config.state!;
    const running = await submitTask(server, { user: 'u', cmd: 'sleep 30' });
    await waitForState(server, running, (s) => s.code === 'RUNNING');
    const waiting = await submitTask(server, { user: 'u', cmd: 'echo once' });
    await sleep(300);
    const launcher = /^launcher (\d+) /.exec(claimOf(stateDir, running, 1) ?? '')?.[1];
    assert.ok(launcher, 'the running task was started by the launcher');
    process.kill(Number(launcher), 'SIGKILL');
    const killed = await waitForState(server, running, undefined, 20_000);
    assert.equal(killed.code, 'SYSTEM_ERROR');
    const ran = await waitForState(server, waiting, undefined, 20_000);
    assert.equal(ran.code, 'COMPLETE', JSON.stringify(ran));
    assert.equal(String(ran.stdout).trim(), 'once');
    // Its first launch was claimed by recovery (it never started there); the second ran it
    // (under the supervisor: its directory exists by then).
    assert.equal(claimOf(stateDir, waiting, 1), 'recovery\n');
    assert.match(claimOf(stateDir, waiting, 2) ?? '', /^(launcher )?\d+/);
  },
);
