/** Slurm's outputs, as recorded from Slurm 22.05, read by the parsers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseExitCode,
  parseFoundJob,
  parseSacct,
  parseSbatch,
  parseSqueue,
  slurmTime,
} from './slurm-parsers.js';
import { meaningOfSlurmState, SQUEUE_STATES } from './slurm-states.js';

test('sbatch --parsable: the job id, with or without a cluster name', () => {
  assert.equal(parseSbatch('42\n'), '42');
  assert.equal(parseSbatch('42;lab\n'), '42');
  assert.equal(parseSbatch('Submitted batch job 42\n'), undefined);
  assert.equal(parseSbatch(''), undefined);
});

test('squeue: state, reason and times of each job', () => {
  const jobs = parseSqueue(
    '1|FAILED|NonZeroExitCode|2026-11-28T18:16:53|2026-11-28T18:16:53\n2|PENDING|Resources|N/A|N/A\n3|RUNNING|None|2026-11-28T18:17:02|Unknown\n',
  );
  assert.deepEqual(
    jobs.map((j) => [j.jobId, j.nativeState, j.meaning, j.reason]),
    [
      ['1', 'FAILED', 'ended', 'NonZeroExitCode'],
      ['2', 'PENDING', 'queued', 'Resources'],
      ['3', 'RUNNING', 'running', 'None'],
    ],
  );
  assert.equal(jobs[1]!.started, undefined);
  assert.equal(jobs[2]!.ended, undefined);
  assert.equal(jobs[2]!.started, new Date('2026-11-28T18:17:02').toISOString());
});

test('sacct -c: exit:signal, CANCELLED by UID, the last run of a job counts', () => {
  const jobs = parseSacct(
    '1|FAILED|3:0|2026-11-28T18:16:53|2026-11-28T18:16:53\n3|CANCELLED by 0|0:9|2026-11-28T18:17:41|2026-11-28T18:17:42\n3.batch|CANCELLED|0:9|x|y\n4|FAILED|0:9|a|b\n4|COMPLETED|0:0|c|d\n',
  );
  assert.deepEqual(
    jobs.map((j) => [j.jobId, j.meaning, j.exitCode, j.signal]),
    [
      ['1', 'ended', 3, 0],
      ['3', 'cancelled', 0, 9],
      ['4', 'ended', 0, 0],
    ],
  );
  assert.equal(jobs[2]!.nativeState, 'COMPLETED');
});

test('exit codes and times that say nothing', () => {
  assert.deepEqual(parseExitCode('3:0'), { exitCode: 3, signal: 0 });
  assert.deepEqual(parseExitCode(''), { exitCode: null, signal: null });
  assert.equal(slurmTime('Unknown'), undefined);
  assert.equal(slurmTime('None'), undefined);
});

test('finding a job by name: squeue ids, or the jobcomp listing filtered by name', () => {
  assert.equal(parseFoundJob('42\n', 'jp-a'), '42');
  assert.equal(parseFoundJob('', 'jp-a'), undefined);
  assert.equal(parseFoundJob('40|jp-b\n41|jp-a\n', 'jp-a'), '41');
  assert.equal(parseFoundJob('40|jp-b\n', 'jp-a'), undefined);
});

test('every squeue state has a meaning; unknown and suffixed names are handled', () => {
  for (const state of [
    'PENDING',
    'RUNNING',
    'COMPLETED',
    'CANCELLED',
    'TIMEOUT',
    'OUT_OF_MEMORY',
    'NODE_FAIL',
  ]) {
    assert.ok(SQUEUE_STATES[state], state);
  }
  assert.equal(meaningOfSlurmState('CANCELLED by 1000'), 'cancelled');
  assert.equal(meaningOfSlurmState('NODE_FAIL'), 'node-failure');
  assert.equal(meaningOfSlurmState('OUT_OF_MEMORY'), 'out-of-memory');
  assert.equal(meaningOfSlurmState('SOMETHING_NEW'), 'running');
});
