/**
 * Slurm as data for the batch engine: sbatch/squeue/sacct/scancel command lines, #SBATCH
 * directives and the parsers of slurm-parsers.ts. Finished jobs are read with `sacct -c` (the
 * jobcomp file), which works without slurmdbd and keeps jobs after slurmctld forgets them
 * (MinJobAge); `sacct --json` and `squeue --json` are avoided: in 22.05 they report wrong exit
 * codes and squeue's ignores --jobs.
 */
import { join } from 'node:path';
import { directiveValue } from '../batch/job-script.js';
import type { CommandResult } from '../batch/run-command.js';
import type { BatchScheduler, SchedulerQueries, JobRequest } from '../batch/scheduler.js';
import {
  parseFoundJob,
  parseSacct,
  parseSbatch,
  parseSqueue,
  SACCT_FORMAT,
  SQUEUE_FORMAT,
} from './slurm-parsers.js';

export interface SlurmSettings {
  /** Partition to submit to; empty: the cluster's default. */
  partition: string;
  /** Account to charge; empty: the user's default. */
  account: string;
  /** Directory of sbatch, squeue, sacct, scancel; empty: found on PATH. */
  binDir: string;
}

// The client could not reach slurmctld (down, restarting, overloaded): try again later.
const OUTAGE =
  /Unable to contact slurm controller|Socket timed out|Connection refused|Connection timed out|temporarily unable|Zero Bytes were transmitted|Communication connection failure|Transport endpoint|Resource temporarily unavailable|backup controller in standby/i;

/** Slurm's `squeue` says this when none of the job ids given is known any more. */
const UNKNOWN_JOB = /Invalid job id specified/i;

function stderrOf(result: CommandResult): string {
  return `${result.stderr}\n${result.stdout}`;
}

/** The Slurm scheduler with these settings. */
export function createSlurmScheduler(settings: SlurmSettings): BatchScheduler {
  const bin = (name: string): string => (settings.binDir ? join(settings.binDir, name) : name);
  return {
    name: 'slurm',
    directivePrefix: '#SBATCH',
    // An array element's own id is ARRAYID_INDEX; its accounting record has its raw SLURM_JOB_ID.
    jobIdScript: [
      'if [ -n "${SLURM_ARRAY_JOB_ID:-}" ]; then jp_job="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"; else jp_job="${SLURM_JOB_ID:-}"; fi',
      'jp_raw="${SLURM_JOB_ID:-}"',
    ].join('\n'),
    array: {
      submitCommand: (scriptPath, count) => [
        bin('sbatch'),
        '--parsable',
        `--array=1-${count}`,
        scriptPath,
      ],
      elementId: (arrayId, index) => `${arrayId}_${index}`,
      indexVariable: 'SLURM_ARRAY_TASK_ID',
      outputPattern: (dir, stream) => join(dir, `%a.${stream}`),
    },
    // JobAcctGatherParams=OverMemoryKill (or a cgroup) kills a job over --mem; slurmstepd writes
    // "error: Exceeded job memory limit" to the job's stderr.
    memoryBy: 'kill',
    memoryKillMessage: /Exceeded (job|step) memory limit|oom-kill/i,
    env: {},
    directives: (request) => slurmDirectives(request, settings),
    submitCommand: (scriptPath) => [bin('sbatch'), '--parsable', scriptPath],
    parseSubmit: parseSbatch,
    ...slurmQueries(bin),
  };
}

/** The job script directives of one request (resources, outputs, partition or queue). */
function slurmDirectives(request: JobRequest, settings: SlurmSettings): string[] {
  const lines = [
    `--job-name=${request.jobName}`,
    `--output=${directiveValue(request.scriptStdout)}`,
    `--error=${directiveValue(request.scriptStderr)}`,
    `--chdir=${directiveValue(request.taskDir)}`,
    // A requeued job would run the task again; the engine resubmits nothing by itself either.
    '--no-requeue',
    '--nodes=1',
    '--ntasks=1',
  ];
  if (request.cores !== undefined) lines.push(`--cpus-per-task=${Math.ceil(request.cores)}`);
  if (request.memoryMiB !== undefined) lines.push(`--mem=${Math.ceil(request.memoryMiB)}M`);
  if (settings.partition) lines.push(`--partition=${directiveValue(settings.partition)}`);
  if (settings.account) lines.push(`--account=${directiveValue(settings.account)}`);
  return lines;
}

/** How the engine asks about, cancels and finds jobs, and recognises an outage. */
function slurmQueries(bin: (name: string) => string): SchedulerQueries {
  return {
    queueCommand: (jobIds) => [
      bin('squeue'),
      '--noheader',
      // One line per array element, pending ones too (else "42_[3-9]").
      '--array',
      '--states=all',
      `--jobs=${jobIds.join(',')}`,
      `--format=${SQUEUE_FORMAT}`,
    ],
    parseQueue: parseSqueue,
    queueKnowsNone: (result) => result.code !== null && UNKNOWN_JOB.test(stderrOf(result)),
    accountingCommands: (jobIds) => [
      [
        bin('sacct'),
        '-c',
        '--noheader',
        '--parsable2',
        `--jobs=${jobIds.join(',')}`,
        `--format=${SACCT_FORMAT}`,
      ],
    ],
    parseAccounting: parseSacct,
    cancelCommand: (jobIds) => [bin('scancel'), ...jobIds],
    cancelFoundNothing: (result) =>
      result.code !== null &&
      /Invalid job id|already completing or completed/i.test(stderrOf(result)),
    // sacct -c knows array elements only by their raw ids: the queue alone can find an array.
    findArrayCommands: (jobName) => [
      [bin('squeue'), '--noheader', '--states=all', `--name=${jobName}`, '--format=%i'],
    ],
    findCommands: (jobName) => [
      [bin('squeue'), '--noheader', '--states=all', `--name=${jobName}`, '--format=%i'],
      [bin('sacct'), '-c', '--noheader', '--parsable2', '--format=jobid,jobname'],
    ],
    parseFind: parseFoundJob,
    isOutage: (result) => result.timedOut || OUTAGE.test(stderrOf(result)),
  };
}
