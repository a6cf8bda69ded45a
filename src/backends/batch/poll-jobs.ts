/**
 * Asks the scheduler about many jobs at once and turns the answers into reports: one queue listing
 * for all unfinished jobs, then the scheduler's accounting for the jobs that left the queue, read
 * together with the markers their scripts left.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobReport } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import type { TaskState } from '../../model/states.js';
import { mapLimited, scriptOutputsOf, taskDirOf, type EngineContext } from './engine-context.js';
import { finishedReport, readTaskExit } from './job-outcome.js';
import { MARKERS } from './job-script.js';
import { ARRAY_MARKER } from './prepare-task.js';
import { describeFailure } from './run-command.js';
import type { JobMeaning, SchedulerJob } from './scheduler.js';

/** Job ids per queue command: keeps the command line short. */
const CHUNK = 200;
/** How long a job may be unknown to both the queue and the accounting before it counts as lost. */
const LOST_AFTER_MS = 60_000;

const ACTIVE: Partial<Record<JobMeaning, TaskState>> = {
  queued: 'QUEUED',
  starting: 'INITIALIZING',
  running: 'RUNNING',
  suspended: 'RUNNING',
};

/** Thrown when the scheduler could not be asked (down, timed out): nothing new is known. */
export class SchedulerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerUnavailableError';
  }
}

/** The scheduler's queue entries of these jobs; jobs not in the map have left the queue. */
export async function queryQueue(
  context: EngineContext,
  jobIds: string[],
): Promise<Map<string, SchedulerJob>> {
  const jobs = new Map<string, SchedulerJob>();
  for (let i = 0; i < jobIds.length; i += CHUNK) {
    const argv = context.scheduler.queueCommand(jobIds.slice(i, i + CHUNK));
    const result = await context.run(argv);
    if (result.code === 0) {
      for (const job of context.scheduler.parseQueue(result.stdout)) jobs.set(job.jobId, job);
    } else if (!context.scheduler.queueKnowsNone(result)) {
      throw new SchedulerUnavailableError(describeFailure(argv, result));
    }
  }
  return jobs;
}

/** True while the job may still run (queued, starting, running, suspended). */
export function isActive(job: SchedulerJob | undefined): boolean {
  return job !== undefined && ACTIVE[job.meaning] !== undefined;
}

/**
 * Finished jobs from the scheduler's accounting (failures only mean "not known yet"), by job id.
 * The accounting may know a job by another id (a Slurm array element by its raw id): the job
 * script recorded that one, and it is asked for instead.
 */
async function queryAccounting(
  context: EngineContext,
  tasks: TaskRecord[],
): Promise<Map<string, SchedulerJob>> {
  const byLookup = new Map<string, string>();
  for (const task of tasks) {
    const raw = readMarker(join(taskDirOf(context, task.id), MARKERS.claimRaw));
    byLookup.set(raw ?? task.jobId!, task.jobId!);
  }
  const jobs = new Map<string, SchedulerJob>();
  const commands = context.scheduler.accountingCommands([...byLookup.keys()]);
  const results = await mapLimited(commands, context.settings.submitCommands, (argv) =>
    context.run(argv),
  );
  results.forEach((result, i) => {
    if (result.code === 0) {
      for (const job of context.scheduler.parseAccounting(result.stdout)) {
        const jobId = byLookup.get(job.jobId);
        if (jobId !== undefined) jobs.set(jobId, { ...job, jobId });
      }
    } else {
      context.log.debug(
        { reason: describeFailure(commands[i]!, result) },
        'accounting lookup failed',
      );
    }
  });
  return jobs;
}

/**
 * Reports for the tasks whose jobs changed; `firstMissing` remembers since when a job has been
 * unknown everywhere. Throws SchedulerUnavailableError when the queue could not be read.
 */
export async function pollJobs(
  context: EngineContext,
  tasks: TaskRecord[],
  firstMissing: Map<string, number>,
): Promise<{ reports: Map<string, JobReport>; stuck: string[] }> {
  const reports = new Map<string, JobReport>();
  const stuck: string[] = [];
  const withJobs = tasks.filter((t) => t.jobId !== null);
  const queue = await queryQueue(
    context,
    withJobs.map((t) => t.jobId!),
  );
  const left: TaskRecord[] = [];
  for (const task of withJobs) {
    const job = queue.get(task.jobId!);
    if (job && isActive(job)) {
      const report = activeReport(context, task, job);
      if (report) reports.set(task.id, report);
    } else if (job?.meaning === 'stuck') {
      const reason = `${context.scheduler.name} cannot run the job (${job.nativeState}${job.reason ? `: ${job.reason}` : ''})`;
      reports.set(task.id, {
        state: 'SYSTEM_ERROR',
        description: reason,
        systemLog: reason,
        exitCode: null,
      });
      stuck.push(task.jobId!);
    } else {
      left.push(task);
    }
  }
  if (left.length === 0) return { reports, stuck };
  const accounting = await queryAccounting(context, left);
  for (const task of left) {
    const jobId = task.jobId!;
    const job = accounting.get(jobId) ?? queue.get(jobId);
    const taskDir = taskDirOf(context, task.id);
    if (job !== undefined || readTaskExit(taskDir) !== null) {
      firstMissing.delete(jobId);
      reports.set(task.id, endReport(context, task, job));
      continue;
    }
    const since = firstMissing.get(jobId) ?? Date.now();
    firstMissing.set(jobId, since);
    if (Date.now() - since >= LOST_AFTER_MS) {
      firstMissing.delete(jobId);
      reports.set(task.id, endReport(context, task, undefined));
    }
  }
  return { reports, stuck };
}

/** The final report of a task's job from its markers and the scheduler's last word. */
export function endReport(
  context: EngineContext,
  task: TaskRecord,
  job: SchedulerJob | undefined,
): JobReport {
  const taskDir = taskDirOf(context, task.id);
  const report = finishedReport({
    framework: context.scheduler.name,
    taskDir,
    executorCount: task.spec.executors.length,
    job,
    memoryMiB: task.spec.resources.memoryMiB,
    cputimeSec: task.spec.resources.cputimeSec,
    memoryBy: context.scheduler.memoryBy,
    scriptStderr: scriptStderrOf(taskDir),
    memoryKillMessage: context.scheduler.memoryKillMessage,
    executorStderr: task.logPaths.map((paths) => paths.stderr),
  });
  if (job === undefined && report.state === 'SYSTEM_ERROR') {
    const description = `${context.scheduler.name} no longer knows job ${task.jobId} and it left no exit code`;
    return { ...report, description, systemLog: report.systemLog ?? description };
  }
  return report;
}

function activeReport(
  context: EngineContext,
  task: TaskRecord,
  job: SchedulerJob,
): JobReport | undefined {
  const state = ACTIVE[job.meaning]!;
  const description =
    job.meaning === 'queued'
      ? `queued in ${context.scheduler.name} as job ${job.jobId}${job.reason && job.reason !== 'None' ? ` (${job.reason})` : ''}`
      : job.meaning === 'suspended'
        ? `suspended by ${context.scheduler.name} (job ${job.jobId})`
        : job.meaning === 'starting'
          ? `starting in ${context.scheduler.name} (job ${job.jobId})`
          : 'running';
  if (task.state === state && task.description === description) return undefined;
  return { state, description, started: state === 'RUNNING' ? job.started : undefined };
}

function readMarker(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the scheduler wrote the job script's stderr: the task directory's job.err, or for an
 * array element its file in the array's directory (`<array dir>/<index>.err`).
 */
function scriptStderrOf(taskDir: string): string {
  const [arrayDir, index] = (readMarker(join(taskDir, ARRAY_MARKER)) ?? '').split('\n');
  return arrayDir && index ? join(arrayDir, `${index}.err`) : scriptOutputsOf(taskDir).stderr;
}
