/** How a finished batch job's markers and the scheduler's last word become the task's end. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { finishedReport, type OutcomeFacts } from './job-outcome.js';
import type { SchedulerJob } from './scheduler.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-outcome-'));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** A task directory with these markers (`claim` made unless told otherwise). */
function facts(
  markers: { exit?: number; executors?: number[]; claimed?: boolean; stderr?: string },
  more: Partial<OutcomeFacts> = {},
): OutcomeFacts {
  const taskDir = join(root, `t${++count}`);
  mkdirSync(taskDir);
  if (markers.claimed !== false) mkdirSync(join(taskDir, 'claim'));
  markers.executors?.forEach((code, i) => writeFileSync(join(taskDir, `exit.${i}`), `${code}\n`));
  if (markers.exit !== undefined) writeFileSync(join(taskDir, 'exit'), `${markers.exit}\n`);
  writeFileSync(join(taskDir, 'job.err'), markers.stderr ?? '');
  return {
    framework: 'slurm',
    taskDir,
    executorCount: Math.max(1, markers.executors?.length ?? 1),
    memoryBy: 'kill',
    scriptStderr: join(taskDir, 'job.err'),
    memoryKillMessage: /Exceeded job memory limit/,
    ...more,
  };
}

const job = (meaning: SchedulerJob['meaning'], more: Partial<SchedulerJob> = {}): SchedulerJob => ({
  jobId: '42',
  nativeState: meaning.toUpperCase(),
  meaning,
  ...more,
});

test('the markers give the exit codes: 0 is COMPLETE, anything else EXECUTOR_ERROR', () => {
  const done = finishedReport(facts({ exit: 0, executors: [0, 0] }, { job: job('ended') }));
  assert.equal(done.state, 'COMPLETE');
  assert.deepEqual(done.executorExitCodes, [0, 0]);
  const failed = finishedReport(
    facts({ exit: 3, executors: [3] }, { job: job('ended', { exitCode: 0 }) }),
  );
  assert.equal(failed.state, 'EXECUTOR_ERROR');
  assert.equal(failed.exitCode, 3, 'the marker wins over what the scheduler says');
  assert.equal(failed.description, 'exited with code 3');
});

test('the cputime limit is named (SIGXCPU from the script, or a scheduler kill)', () => {
  const xcpu = finishedReport(facts({ exit: 152, executors: [152] }, { cputimeSec: 2 }));
  assert.equal(xcpu.description, 'killed: cputime limit 2 s exceeded');
  const enforced = finishedReport(facts({}, { cputimeSec: 2, job: job('limit', { signal: 9 }) }));
  assert.equal(enforced.state, 'EXECUTOR_ERROR');
  assert.equal(enforced.description, 'killed: cputime limit 2 s exceeded');
});

test('the memory limit is named: a Slurm kill of the whole job, or a failed allocation in GE', () => {
  const killed = finishedReport(
    facts(
      { stderr: 'slurmstepd-vm: error: Exceeded job memory limit\n' },
      { memoryMiB: 64, job: job('ended', { nativeState: 'FAILED', signal: 9 }) },
    ),
  );
  assert.equal(killed.state, 'EXECUTOR_ERROR');
  assert.equal(killed.exitCode, 137);
  assert.equal(killed.description, 'killed: memory limit 64 MiB exceeded');
  const oom = finishedReport(facts({}, { memoryMiB: 64, job: job('out-of-memory') }));
  assert.equal(oom.description, 'killed: memory limit 64 MiB exceeded');
  const segv = finishedReport(
    facts({ exit: 139, executors: [139] }, { memoryMiB: 64, memoryBy: 'address-space' }),
  );
  assert.match(segv.description!, /killed by SIGSEGV \(memory limit 64 MiB of address space/);
});

test('what only the scheduler knows: cancelled, timed out, node lost', () => {
  assert.equal(finishedReport(facts({}, { job: job('cancelled') })).state, 'CANCELED');
  const timeout = finishedReport(facts({}, { job: job('timeout') }));
  assert.equal(timeout.state, 'EXECUTOR_ERROR');
  assert.match(timeout.description!, /time limit/);
  const node = finishedReport(
    facts({ exit: 0 }, { job: job('node-failure', { nativeState: 'NODE_FAIL' }) }),
  );
  assert.equal(node.state, 'SYSTEM_ERROR');
  assert.match(node.description!, /node .* failed.*NODE_FAIL/);
});

test("a job that never started the task is a SYSTEM_ERROR carrying the scheduler's words", () => {
  const report = finishedReport(
    facts(
      { claimed: false, stderr: 'slurmstepd: error: could not open output file\n' },
      { job: job('ended', { nativeState: 'FAILED', reason: 'JobLaunchFailure' }) },
    ),
  );
  assert.equal(report.state, 'SYSTEM_ERROR');
  assert.match(report.description!, /ended before the task started.*JobLaunchFailure/);
  assert.match(report.systemLog!, /could not open output file/);
});

test('a job killed by a signal with no limit to blame names the signal', () => {
  const report = finishedReport(facts({ executors: [] }, { job: job('ended', { signal: 15 }) }));
  assert.equal(report.state, 'EXECUTOR_ERROR');
  assert.equal(report.exitCode, 143);
  assert.equal(report.description, 'killed by SIGTERM');
});
