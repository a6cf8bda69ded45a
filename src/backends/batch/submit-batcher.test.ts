/**
 * The submit batcher against a scripted command runner (no scheduler): bursts become array jobs,
 * a lone task an ordinary job, failures and faults reject exactly the submits they hit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { newTaskRecord } from '../../model/new-task.js';
import type { TaskRecord } from '../../model/task.js';
import { createSlurmScheduler } from '../slurm/slurm-scheduler.js';
import { readBatchSettings } from './batch-options.js';
import type { EngineContext } from './engine-context.js';
import type { CommandResult } from './run-command.js';
import { SubmitBatcher } from './submit-batcher.js';
import { setTimeout as sleep } from 'node:timers/promises';

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-batcher-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function task(id: string): TaskRecord {
  const spec = {
    user: 'alice',
    origin: 'v1' as const,
    executors: [{ command: ['true'] }],
    resources: {},
  };
  return {
    ...newTaskRecord(id, spec, 'slurm', [{ stdout: '/dev/null', stderr: '/dev/null' }]),
    seq: 1,
  };
}

type Runner = (argv: string[]) => Promise<CommandResult>;

function context(dir: string, run: Runner, options: Record<string, unknown> = {}): EngineContext {
  return {
    scheduler: createSlurmScheduler({ partition: '', account: '', binDir: '' }),
    settings: readBatchSettings(options),
    workdir: dir,
    log: pino({ level: 'silent' }),
    run,
  };
}

const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' }) as CommandResult;
const failure = (_task: TaskRecord, argv: string[], result: CommandResult) =>
  new Error(`${argv[0]} failed: ${result.stderr}`);

test('a burst of tasks is one array submit; each gets its element id', async () => {
  const calls: string[][] = [];
  const batcher = new SubmitBatcher(
    context(workdir(), async (argv) => (calls.push(argv), ok('42\n'))),
    failure,
  );
  const ids = await Promise.all(['a', 'b', 'c'].map((id) => batcher.submit(task(id), undefined)));
  assert.deepEqual(ids, ['42_1', '42_2', '42_3']);
  assert.equal(calls.length, 1);
  assert.ok(
    calls[0]!.some((arg) => arg.startsWith('--array')),
    calls[0]!.join(' '),
  );
});

test('a lone task is an ordinary job', async () => {
  const calls: string[][] = [];
  const batcher = new SubmitBatcher(
    context(workdir(), async (argv) => (calls.push(argv), ok('7'))),
    failure,
  );
  assert.equal(await batcher.submit(task('a'), undefined), '7');
  assert.ok(!calls[0]!.some((arg) => arg.startsWith('--array')));
});

test('a refused submit command rejects its tasks with the failure', async () => {
  const batcher = new SubmitBatcher(
    context(
      workdir(),
      async () => ({ code: 1, stdout: '', stderr: 'invalid partition' }) as CommandResult,
    ),
    failure,
  );
  await assert.rejects(batcher.submit(task('a'), undefined), /invalid partition/);
});

test('no job id in the output of a successful command is an error, not a hang', async () => {
  const batcher = new SubmitBatcher(
    context(workdir(), async () => ok('what?')),
    failure,
  );
  await assert.rejects(batcher.submit(task('a'), undefined), /no job id/);
});

test('a command runner that throws (a dying scheduler client) rejects, never hangs', async () => {
  const batcher = new SubmitBatcher(
    context(workdir(), async () => {
      throw Object.assign(new Error('spawn sbatch EACCES'), { code: 'EACCES' });
    }),
    failure,
  );
  await assert.rejects(batcher.submit(task('a'), undefined), /EACCES/);
  await assert.rejects(
    Promise.all(['b', 'c'].map((id) => batcher.submit(task(id), undefined))),
    /EACCES/,
  );
});

test('a task whose directory cannot be made fails alone; the others are submitted', async () => {
  const dir = workdir();
  // tasks/bad is a file: its task directory cannot be created (ENOTDIR/EEXIST).
  const tasks = join(dir, 'tasks');
  const calls: string[][] = [];
  const batcher = new SubmitBatcher(
    context(dir, async (argv) => (calls.push(argv), ok('9'))),
    failure,
  );
  await batcher.submit(task('first'), undefined);
  writeFileSync(join(tasks, 'bad'), 'not a directory');
  const results = await Promise.allSettled(
    ['good', 'bad'].map((id) => batcher.submit(task(id), undefined)),
  );
  assert.equal(results[0]!.status, 'fulfilled');
  assert.equal(results[1]!.status, 'rejected');
});

test('while commands run, arriving tasks wait and go together in the next one', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const calls: string[][] = [];
  let n = 0;
  const batcher = new SubmitBatcher(
    context(
      workdir(),
      async (argv) => {
        calls.push(argv);
        if (n++ === 0) await gate;
        return ok(String(100 + n));
      },
      { submitCommands: 1 },
    ),
    failure,
  );
  const first = batcher.submit(task('a'), undefined);
  await sleep(60);
  const later = ['b', 'c', 'd'].map((id) => batcher.submit(task(id), undefined));
  await sleep(60);
  assert.equal(calls.length, 1, 'a second command started while the only slot was busy');
  release();
  assert.equal(await first, '101');
  assert.deepEqual(await Promise.all(later), ['102_1', '102_2', '102_3']);
  assert.equal(calls.length, 2);
});
