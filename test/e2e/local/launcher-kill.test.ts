/**
 * SIGKILL of the launcher (the resident process that starts and reaps local tasks) while 20
 * tasks run: tasks it reaped itself (the direct path) are killed through their cgroup and end
 * SYSTEM_ERROR with the reason, never stuck RUNNING nor COMPLETE; tasks under their own /bin/sh
 * supervisor run on and end with their real exit code; the server starts new tasks after it.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer, submitTask, waitForState } from '../../helpers/test-server.js';

/** claim.1 of a task: "launcher <pid> <start time>\n<executor pid>\n" (direct) or "<supervisor pid>\n". */
function readClaim(stateDir: string, id: string): string {
  return readFileSync(join(stateDir, 'tasks', id, 'claim.1'), 'utf8');
}

function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /\) [ZX] /.test(stat);
  } catch {
    return true;
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test(
  'SIGKILL of the launcher while 20 tasks run: each ends correctly',
  { timeout: 90_000 },
  async () => {
    const server = await startTestServer({ frameworkOptions: { cores: 40 } });
    const stateDir = server.config.state!;
    const before = await submitTask(server, { user: 'u', cmd: 'echo early; exit 3' });
    const ended = await waitForState(server, before);
    assert.equal(ended.code, 'EXECUTOR_ERROR');
    assert.equal(ended.exitCode, 3);
    assert.match(String(ended.stdout), /early/);

    // Plain tasks take the direct path; `cores` (CPU pinning) keeps the supervisor script.
    const direct: string[] = [];
    const supervised: string[] = [];
    for (let i = 0; i < 10; i++)
      direct.push(await submitTask(server, { user: 'u', cmd: 'sleep 60' }));
    for (let i = 0; i < 10; i++) {
      supervised.push(await submitTask(server, { user: 'u', cores: 1, cmd: 'sleep 4; exit 9' }));
    }
    for (const id of [...direct, ...supervised]) {
      await waitForState(server, id, (s) => s.code === 'RUNNING', 20_000);
    }
    const claims = direct.map((id) => readClaim(stateDir, id).split('\n'));
    const launcherPids = new Set(
      claims.map((lines) => /^launcher (\d+) \d+$/.exec(lines[0]!)?.[1]),
    );
    assert.equal(
      launcherPids.size,
      1,
      `one launcher started the direct tasks: ${[...launcherPids]}`,
    );
    const launcherPid = Number([...launcherPids][0]);
    assert.ok(launcherPid > 0);
    const executorPids = claims.map((lines) => Number(lines[1]));
    for (const id of supervised) assert.match(readClaim(stateDir, id), /^\d+\n$/);
    // Each executor started directly inside its task's own cgroup (where cgroups are usable).
    for (const [i, id] of direct.entries()) {
      const cgroups = readFileSync(`/proc/${executorPids[i]}/cgroup`, 'utf8');
      if (server.config.frameworks.local?.cgroups !== 'off') {
        assert.match(cgroups, new RegExp(`/jobproxy/${id}\n`), `task ${id}: ${cgroups}`);
      }
    }

    process.kill(launcherPid, 'SIGKILL');

    for (const id of direct) {
      const state = await waitForState(server, id, undefined, 20_000);
      assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
      assert.match(String(state.description), /launcher/);
    }
    await until(() => executorPids.every(isGone), 10_000, 'the direct tasks to be killed');
    for (const id of supervised) {
      const state = await waitForState(server, id, undefined, 30_000);
      assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
      assert.equal(state.exitCode, 9, 'a supervised task ran on to its real end');
    }

    // A new launcher starts the next tasks.
    const after = await submitTask(server, { user: 'u', cmd: 'echo after' });
    const done = await waitForState(server, after);
    assert.equal(done.code, 'COMPLETE', JSON.stringify(done));
    assert.match(String(done.stdout), /after/);
    const newLauncher = Number(/^launcher (\d+)/.exec(readClaim(stateDir, after))?.[1]);
    assert.ok(newLauncher > 0 && newLauncher !== launcherPid, 'started by a new launcher');
    assert.equal(statSync(join(server.config.workdir, 'tasks', after)).mode & 0o777, 0o700);
  },
);
