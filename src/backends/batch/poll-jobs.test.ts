/**
 * pollJobs against a scripted command runner that answers as Slurm's squeue and sacct do (their
 * output formats are the parsers' samples): reports for changed jobs, ends read from the
 * accounting and the markers, an unreachable queue, a job that vanished.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { newTaskRecord } from '../../model/new-task.js';
import type { TaskRecord } from '../../model/task.js';
import { createSlurmScheduler } from '../slurm/slurm-scheduler.js';
import { readBatchSettings } from './batch-options.js';
import { taskDirOf, type EngineContext } from './engine-context.js';
import { pollJobs, SchedulerUnavailableError } from './poll-jobs.js';
import type { CommandResult } from './run-command.js';

interface Answers {
  squeue: CommandResult;
  sacct?: CommandResult;
}

function setUp(answers: Answers): { context: EngineContext; calls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-poll-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  const calls: string[] = [];
  const context: EngineContext = {
    scheduler: createSlurmScheduler({ partition: '', account: '', binDir: '' }),
    settings: readBatchSettings({}),
    workdir: dir,
    log: pino({ level: 'silent' }),
    async run(argv) {
      calls.push(argv[0]!);
      if (argv[0] === 'squeue') return answers.squeue;
      return answers.sacct ?? out('');
    },
  };
  return { context, calls };
}

function out(stdout: string, code = 0, stderr = ''): CommandResult {
  return { code, stdout, stderr } as CommandResult;
}

function task(id: string, jobId: string, state: TaskRecord['state'] = 'QUEUED'): TaskRecord {
  const spec = {
    user: 'alice',
    origin: 'v1' as const,
    executors: [{ command: ['true'] }],
    resources: {},
  };
  const record = newTaskRecord(id, spec, 'slurm', [{ stdout: '/dev/null', stderr: '/dev/null' }]);
  return { ...record, seq: 1, jobId, state };
}

test('a job the queue shows running is reported RUNNING with Slurm’s start time', async () => {
  const { context } = setUp({ squeue: out('42|RUNNING|None|2026-11-28T18:17:02|Unknown\n') });
  const { reports } = await pollJobs(context, [task('t', '42')], new Map());
  assert.equal(reports.get('t')?.state, 'RUNNING');
  assert.equal(reports.get('t')?.started, new Date('2026-11-28T18:17:02').toISOString());
});

test('nothing new (same state, same description) is no report', async () => {
  const { context } = setUp({ squeue: out('42|RUNNING|None|2026-11-28T18:17:02|Unknown\n') });
  const running = { ...task('t', '42', 'RUNNING'), description: 'running' };
  const { reports } = await pollJobs(context, [running], new Map());
  assert.equal(reports.size, 0);
});

test('a job that left the queue ends as the accounting and its exit marker say', async () => {
  const { context, calls } = setUp({
    squeue: out('', 1, 'slurm_load_jobs error: Invalid job id specified'),
    sacct: out('42|FAILED|3:0|2026-11-28T18:16:53|2026-11-28T18:16:55\n'),
  });
  const t = task('t', '42', 'RUNNING');
  mkdirSync(taskDirOf(context, 't'), { recursive: true });
  writeFileSync(join(taskDirOf(context, 't'), 'exit'), '3\n');
  const { reports } = await pollJobs(context, [t], new Map());
  const report = reports.get('t');
  assert.equal(report?.state, 'EXECUTOR_ERROR');
  assert.equal(report?.exitCode, 3);
  assert.equal(report?.ended, new Date('2026-11-28T18:16:55').toISOString());
  assert.deepEqual(calls, ['squeue', 'sacct']);
});

test('a queue that cannot be read is SchedulerUnavailableError (nothing new known)', async () => {
  const { context } = setUp({ squeue: out('', 1, 'Unable to contact slurm controller') });
  await assert.rejects(pollJobs(context, [task('t', '42')], new Map()), SchedulerUnavailableError);
});

test('a job unknown everywhere is waited for, then SYSTEM_ERROR once it is lost', async () => {
  const { context } = setUp({ squeue: out(''), sacct: out('') });
  const firstMissing = new Map<string, number>();
  const first = await pollJobs(context, [task('t', '42', 'RUNNING')], firstMissing);
  assert.equal(first.reports.size, 0);
  assert.ok(firstMissing.has('42'));
  firstMissing.set('42', Date.now() - 61_000);
  const later = await pollJobs(context, [task('t', '42', 'RUNNING')], firstMissing);
  assert.equal(later.reports.get('t')?.state, 'SYSTEM_ERROR');
  assert.match(later.reports.get('t')?.description ?? '', /no longer knows job 42/);
  assert.equal(firstMissing.has('42'), false);
});

test('tasks without a job id are not asked about', async () => {
  const { context, calls } = setUp({ squeue: out('') });
  const { reports } = await pollJobs(context, [{ ...task('t', '42'), jobId: null }], new Map());
  assert.equal(reports.size, 0);
  assert.deepEqual(calls, []);
});
