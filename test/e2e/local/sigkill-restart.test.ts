/**
 * Durability, exactly as an operator would hit it: a real `jobproxy serve` process is killed with
 * SIGKILL while tasks run and wait; a new one on the same store must have every accepted task,
 * re-attach to those still running, record the real exit codes of those that ended while it was
 * down, and run nothing twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getState, submitTask, tempDir, waitForState } from '../../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

const CLI = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const children: ChildProcess[] = [];
after(() => children.forEach((child) => child.kill('SIGKILL')));

/** Starts `jobproxy serve -p <file>` and resolves once it answers ping. */
async function startServe(propertiesFile: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '-p', propertiesFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`jobproxy serve exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/v1/jobproxy/ping`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`jobproxy serve did not answer within 20 s: ${stderr}`);
}

test(
  'SIGKILL while tasks run and wait: nothing lost, nothing run twice',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = { url };
    const properties = join(dir, 'jobproxy.properties');
    writeFileSync(
      properties,
      [
        `serveruri=${url}/`,
        `state=${join(dir, 'state')}`,
        `store=${join(dir, 'jobproxy.db')}`,
        `workdir=${join(dir, 'work')}`,
        'log=warn',
        'pollInterval=200',
        'local.cores=4',
        // The tasks write into this test's private directory: run them as the server's user.
        'local.runAs=root',
      ].join('\n'),
    );
    // Each task appends a line to its own file on every run: one line = ran once.
    const runs = (name: string) => join(dir, `runs-${name}`);
    const counted = (name: string, cmd: string) => `echo run >> ${runs(name)}; ${cmd}`;

    const first = await startServe(properties, url);
    const endsWhileDown = await submitTask(server, {
      user: 'u',
      cmd: counted('down', 'sleep 1; exit 5'),
    });
    const outlivesRestart = await submitTask(server, {
      user: 'u',
      cmd: counted('long', 'sleep 6; echo survived; exit 7'),
    });
    const endsAfterRestart = await submitTask(server, {
      user: 'u',
      cmd: counted('mid', 'sleep 4; echo mid'),
    });
    // Needs all 4 cores: waits QUEUED behind the three running tasks.
    const queued = await submitTask(server, {
      user: 'u',
      cores: 4,
      cmd: counted('queued', 'echo queued'),
    });
    for (const id of [endsWhileDown, outlivesRestart, endsAfterRestart]) {
      await waitForState(server, id, (s) => s.code === 'RUNNING', 10_000);
    }
    assert.equal((await getState(server, queued)).code, 'QUEUED');
    // Accepted just before the kill: must not be lost.
    const lastAccepted = await submitTask(server, { user: 'u', cmd: counted('last', 'echo last') });

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await sleep(2500);

    await startServe(properties, url);
    const listing = (await (await fetch(`${url}/v1/jobproxy/state`)).json()) as {
      state: { id: string }[];
    };
    const ids = [endsWhileDown, outlivesRestart, endsAfterRestart, queued, lastAccepted];
    assert.deepEqual(
      ids.filter((id) => !listing.state.some((s) => s.id === id)),
      [],
      'every accepted task is still there',
    );

    const down = await waitForState(server, endsWhileDown, undefined, 10_000);
    assert.equal(down.code, 'EXECUTOR_ERROR', JSON.stringify(down));
    assert.equal(
      down.exitCode,
      5,
      'the real exit code of a task that ended while the server was down',
    );

    const long = await waitForState(server, outlivesRestart, undefined, 20_000);
    assert.equal(long.code, 'EXECUTOR_ERROR', JSON.stringify(long));
    assert.equal(long.exitCode, 7);
    assert.match(String(long.stdout), /survived/);

    const mid = await waitForState(server, endsAfterRestart, undefined, 20_000);
    assert.equal(mid.code, 'COMPLETE', JSON.stringify(mid));
    assert.match(String(mid.stdout), /mid/);

    for (const id of [queued, lastAccepted]) {
      const state = await waitForState(server, id, undefined, 20_000);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
    }
    for (const name of ['down', 'long', 'mid', 'queued', 'last']) {
      assert.equal(readFileSync(runs(name), 'utf8'), 'run\n', `task "${name}" ran exactly once`);
    }
  },
);
