/**
 * Parsers of Slurm's command outputs, each with a sample of what it reads. The formats are the
 * ones slurm-scheduler.ts asks for, so they do not change with a site's SQUEUE_FORMAT and the like.
 */
import type { SchedulerJob } from '../batch/scheduler.js';
import { meaningOfSlurmState } from './slurm-states.js';

/** The squeue --format of queueCommand: id|state|reason|start|end. */
export const SQUEUE_FORMAT = '%i|%T|%r|%S|%e';
/** The sacct --format of accountingCommands. */
export const SACCT_FORMAT = 'jobid,state,exitcode,start,end';

// `sbatch --parsable` prints "42" (or "42;cluster" on a multi-cluster setup).
export function parseSbatch(stdout: string): string | undefined {
  const match = /^(\d+)(?:;\S+)?\s*$/m.exec(stdout.trim());
  return match?.[1];
}

/** Slurm's local time stamps ("2026-11-28T18:16:53") as RFC 3339; N/A, Unknown, None → undefined. */
export function slurmTime(text: string | undefined): string | undefined {
  if (!text || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text.trim())) return undefined;
  const time = new Date(text.trim());
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

// squeue --noheader --states=all --jobs=1,2 --format='%i|%T|%r|%S|%e' prints:
//   1|FAILED|NonZeroExitCode|2026-11-28T18:16:53|2026-11-28T18:16:53
//   2|PENDING|Resources|N/A|N/A
//   3|RUNNING|None|2026-11-28T18:17:02|Unknown
export function parseSqueue(stdout: string): SchedulerJob[] {
  const jobs: SchedulerJob[] = [];
  for (const line of stdout.split('\n')) {
    const [jobId, state, reason, start, end] = line.trim().split('|');
    if (!jobId || !state) continue;
    jobs.push({
      jobId,
      nativeState: state,
      meaning: meaningOfSlurmState(state),
      reason: reason || undefined,
      started: slurmTime(start),
      ended: slurmTime(end),
    });
  }
  return jobs;
}

// `ExitCode` of sacct and scontrol is "exit:signal": "3:0" = exit 3, "0:9" = killed by SIGKILL.
export function parseExitCode(text: string | undefined): {
  exitCode: number | null;
  signal: number | null;
} {
  const match = /^(\d+):(\d+)$/.exec(text?.trim() ?? '');
  if (!match) return { exitCode: null, signal: null };
  return { exitCode: Number(match[1]), signal: Number(match[2]) };
}

// sacct -c --noheader --parsable2 --jobs=1,3 --format=jobid,state,exitcode,start,end prints
// (from the jobcomp file, so also jobs slurmctld has forgotten):
//   1|FAILED|3:0|2026-11-28T18:16:53|2026-11-28T18:16:53
//   3|CANCELLED by 0|0:9|2026-11-28T18:17:41|2026-11-28T18:17:42
// A job that ran more than once has a line per run: the last one counts.
export function parseSacct(stdout: string): SchedulerJob[] {
  const jobs = new Map<string, SchedulerJob>();
  for (const line of stdout.split('\n')) {
    const [jobId, state, exit, start, end] = line.trim().split('|');
    // Steps (42.batch) are not jobs; the jobcomp file has none, slurmdbd's sacct has.
    if (!jobId || !state || jobId.includes('.')) continue;
    const { exitCode, signal } = parseExitCode(exit);
    jobs.set(jobId, {
      jobId,
      nativeState: state,
      meaning: meaningOfSlurmState(state),
      exitCode,
      signal,
      started: slurmTime(start),
      ended: slurmTime(end),
    });
  }
  return [...jobs.values()];
}

// squeue --noheader --states=all --name=jp-TASK --format=%i prints one job id a line: "42", or
// for an array "42_[3-9]", "42_1", … (the array's id is the number before "_").
// sacct -c --noheader --parsable2 --format=jobid,jobname prints every job in the jobcomp file
// ("42|jp-TASK"; sacct -c ignores --name), so the name is matched here.
export function parseFoundJob(stdout: string, jobName: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const [jobId, name] = line.trim().split('|');
    const id = /^(\d+)(?:_|$)/.exec(jobId ?? '')?.[1];
    if (id === undefined) continue;
    if (name === undefined || name === jobName) return id;
  }
  return undefined;
}
