/**
 * The backend contract: the cases every framework passes, run over real HTTP against a real
 * server driving the real system. A framework that cannot do a case skips it with a written
 * reason (never silently). Call `runBackendContract` from a test file of each framework.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { submitTask, waitForState } from '../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

export type ContractCase =
  | 'hello'
  | 'exit-code'
  | 'stderr'
  | 'argv'
  | 'delete-running'
  | 'memory-limit'
  | 'cputime-limit'
  | 'one-core'
  | 'restart';

export interface ContractServer {
  url: string;
  /** Stops the server the way an operator would (tasks keep running in the framework). */
  close(): Promise<void>;
}

export interface ContractTarget {
  /** Shown in test names: "local", "local (docker)", "slurm", … */
  name: string;
  /** Starts a server on the target's store; called again for the restart case (same store). */
  startServer(): Promise<ContractServer>;
  /** Extra task fields (e.g. `container: {image}` to run the cases in containers). */
  taskExtras?: (cmd: string | string[]) => Record<string, unknown>;
  /** True while something of the task with this marker still runs (default: a /proc scan). */
  isRunning?: (marker: string) => Promise<boolean>;
  /** How long a task may take to finish on this framework (ms). */
  timeoutMs?: number;
  /** Cases this framework cannot do, each with the reason. */
  skip?: Partial<Record<ContractCase, string>>;
}

/** True while any process on this machine has `marker` in its command line. */
export async function markerRunning(marker: string): Promise<boolean> {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

// Holds ~300 MiB in a shell variable for a while, so polling enforcers (Slurm) see it too.
const ALLOCATE_300_MIB = "a=$(head -c 314572800 /dev/zero | tr '\\000' x); sleep 120";

export function runBackendContract(target: ContractTarget): void {
  const timeoutMs = target.timeoutMs ?? 60_000;
  const extras = target.taskExtras ?? ((cmd) => ({ cmd }));
  const isRunning = target.isRunning ?? markerRunning;
  const caseOptions = (name: ContractCase) => {
    const reason = target.skip?.[name];
    return reason ? { skip: reason } : { timeout: timeoutMs * 2 };
  };

  describe(`backend contract: ${target.name}`, () => {
    let server: ContractServer;
    const task = (cmd: string | string[], fields: Record<string, unknown> = {}) => ({
      user: 'contract',
      ...extras(cmd),
      ...fields,
    });
    const finish = (id: string) => waitForState(server, id, undefined, timeoutMs);

    test('start the server', async () => {
      server = await target.startServer();
    });

    test('hello → COMPLETE with its output', caseOptions('hello'), async () => {
      const id = await submitTask(server, task('echo hello'));
      const state = await finish(id);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.equal(state.exitCode, 0);
      assert.match(String(state.stdout), /^hello\n?$/);
    });

    test('exit 3 → EXECUTOR_ERROR with code 3', caseOptions('exit-code'), async () => {
      const id = await submitTask(server, task('echo before; exit 3'));
      const state = await finish(id);
      assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
      assert.equal(state.exitCode, 3);
      assert.match(String(state.description), /3/);
      assert.match(String(state.stdout), /before/);
    });

    test('stdout and stderr are kept apart', caseOptions('stderr'), async () => {
      const id = await submitTask(server, task('echo out; echo err >&2'));
      const state = await finish(id);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.match(String(state.stdout), /out/);
      assert.doesNotMatch(String(state.stdout), /err/);
      assert.match(String(state.stderr), /err/);
    });

    test('an argv command runs without a shell', caseOptions('argv'), async () => {
      const literal = '$HOME; echo injected `id`';
      const id = await submitTask(server, task(['echo', literal]));
      const state = await finish(id);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.equal(String(state.stdout).trim(), literal);
    });

    test(
      'delete of a running task stops it and removes it',
      caseOptions('delete-running'),
      async () => {
        const marker = `jp-contract-${randomUUID()}`;
        const id = await submitTask(server, task(`sleep 300; echo ${marker}`));
        await waitForState(server, id, (s) => s.code === 'RUNNING', timeoutMs);
        assert.ok(
          await eventually(() => isRunning(marker), 10_000),
          'the task never showed as running',
        );
        const response = await fetch(`${server.url}/v1/jobproxy/delete/${id}`, {
          method: 'DELETE',
        });
        assert.equal(response.status, 204);
        const after = await fetch(`${server.url}/v1/jobproxy/state/${id}`);
        assert.equal(after.status, 404);
        assert.ok(
          await eventually(async () => !(await isRunning(marker)), 15_000),
          `something of task ${id} still runs after delete`,
        );
      },
    );

    test('memory limit → EXECUTOR_ERROR naming it', caseOptions('memory-limit'), async () => {
      const id = await submitTask(server, task(ALLOCATE_300_MIB, { memory: 64 }));
      const state = await finish(id);
      assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
      assert.match(String(state.description), /memory limit 64 MiB/);
    });

    test('cputime limit → EXECUTOR_ERROR naming it', caseOptions('cputime-limit'), async () => {
      const id = await submitTask(server, task('while :; do :; done', { cputime: 2 }));
      const state = await finish(id);
      assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
      assert.match(String(state.description), /cputime limit 2 s/);
    });

    test('cores: 1 confines the task to one CPU', caseOptions('one-core'), async () => {
      const id = await submitTask(
        server,
        task('grep Cpus_allowed_list /proc/self/status', { cores: 1 }),
      );
      const state = await finish(id);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.match(String(state.stdout), /Cpus_allowed_list:\s*\d+\s*$/);
    });

    test('a restarted server re-attaches and records the end', caseOptions('restart'), async () => {
      const id = await submitTask(server, task('sleep 3; echo survived'));
      await waitForState(server, id, (s) => s.code === 'RUNNING', timeoutMs);
      await server.close();
      server = await target.startServer();
      const state = await finish(id);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.match(String(state.stdout), /survived/);
      const states = (await (await fetch(`${server.url}/v1/jobproxy/state`)).json()) as {
        state: { id: string }[];
      };
      assert.equal(states.state.filter((s) => s.id === id).length, 1);
    });

    test('stop the server', async () => {
      await server?.close();
    });
  });
}
