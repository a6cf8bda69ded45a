/**
 * What a batch scheduler gives the one batch engine: its commands, its script directives, parsers
 * of its outputs and the meaning of its states. Slurm (../slurm) and Grid Engine (../gridengine) are
 * values of this interface; everything else (scripts, markers, polling, retries) is shared.
 */
import type { CommandResult } from './run-command.js';

/**
 * The meaning of a scheduler's state, in the engine's words; each scheduler's state table maps its
 * own names (PENDING, qw, …) to one of these.
 */
export type JobMeaning =
  | 'queued'
  | 'starting'
  | 'running'
  | 'suspended'
  /** The job ended; its exit code tells how. */
  | 'ended'
  | 'cancelled'
  | 'timeout'
  | 'out-of-memory'
  /** Killed for a resource limit the scheduler does not name more precisely. */
  | 'limit'
  | 'node-failure'
  /** The scheduler could not run the job (launch failure, bad output path, preempted, …). */
  | 'system-failure'
  /** The job is stuck in an error state and will never run unless deleted (GE Eqw). */
  | 'stuck';

/** What the scheduler says about one job, before the engine turns it into a task state. */
export interface SchedulerJob {
  jobId: string;
  /** The state as the scheduler printed it (PENDING, CANCELLED by 0, Eqw, …). */
  nativeState: string;
  meaning: JobMeaning;
  /** The scheduler's reason or failure text, if it gave one. */
  reason?: string;
  /** Exit code of the job script, where the scheduler reports it. */
  exitCode?: number | null;
  /** Signal that ended the job script, where the scheduler reports it. */
  signal?: number | null;
  started?: string;
  ended?: string;
}

/** Resources and files of one job, for the scheduler's directives. */
export interface JobRequest {
  /** The job name; unique per task so a lost submit can be found again. */
  jobName: string;
  taskDir: string;
  /** Where the scheduler writes the job script's own stdout and stderr (not the task's). */
  scriptStdout: string;
  scriptStderr: string;
  cores?: number;
  memoryMiB?: number;
  cputimeSec?: number;
}

export interface BatchScheduler {
  /** The framework name (slurm, gridengine). */
  name: string;
  /** The directive prefix of a job script line (`#SBATCH`, `#$`). */
  directivePrefix: string;
  /**
   * Shell lines run inside a job that set `jp_job` (the id JobProxy keeps for it: an array
   * element's own id) and `jp_raw` (the id the scheduler's accounting knows it by).
   */
  jobIdScript: string;
  /** Array jobs: many tasks in one submit, so that a burst of tasks costs few submit commands. */
  array: ArraySupport;
  /**
   * How memory limits are enforced: `kill` (the scheduler kills a job over its limit) or
   * `address-space` (an allocation over the limit fails; the command exits in its own way).
   */
  memoryBy: 'kill' | 'address-space';
  /** What the scheduler writes to the job's stderr when it kills the job for its memory. */
  memoryKillMessage?: RegExp;
  /** Environment the scheduler's commands need (merged over the server's). */
  env: Record<string, string>;
  /** Directive arguments for one job (one per script line, prefix not included). */
  directives(request: JobRequest): string[];
  /** argv submitting the script at `scriptPath`. */
  submitCommand(scriptPath: string): string[];
  /** The job id in the submit command's output, if there is one. */
  parseSubmit(stdout: string): string | undefined;
  /** argv listing the queued and running jobs among `jobIds` (one call for many). */
  queueCommand(jobIds: string[]): string[];
  /** Jobs in the queue listing; jobs not listed have left the queue. */
  parseQueue(stdout: string): SchedulerJob[];
  /** True when a failed queue command only means "none of these jobs are known" (no outage). */
  queueKnowsNone(result: CommandResult): boolean;
  /** argv reading finished jobs from where the scheduler keeps them, one or more commands. */
  accountingCommands(jobIds: string[]): string[][];
  /** Finished jobs in the accounting output. */
  parseAccounting(stdout: string): SchedulerJob[];
  /** argv cancelling the jobs. */
  cancelCommand(jobIds: string[]): string[];
  /** True when a failed cancel only means the job is gone already. */
  cancelFoundNothing(result: CommandResult): boolean;
  /** argv commands finding an array job by its name; parseFind reads their output too. */
  findArrayCommands(jobName: string): string[][];
  /** argv commands finding a job by its name (queued/running, then finished), in order. */
  findCommands(jobName: string): string[][];
  /** The (array) job id of the job named `jobName` in a find command's output, if any. */
  parseFind(stdout: string, jobName: string): string | undefined;
  /** True when a failure means the scheduler could not be reached (retry later), not a refusal. */
  isOutage(result: CommandResult): boolean;
}

/** How a scheduler runs array jobs: elements 1..count of one script. */
export interface ArraySupport {
  /** argv submitting `scriptPath` as an array of elements 1..count. */
  submitCommand(scriptPath: string, count: number): string[];
  /** The id of element `index` of the array job `arrayId` ("42_3", "42.3"). */
  elementId(arrayId: string, index: number): string;
  /** The variable holding an element's index inside the job. */
  indexVariable: string;
  /**
   * The path pattern (%a, $TASK_ID) of element files in `dir`, which the scheduler must turn into
   * `<dir>/<index>.<stream>`.
   */
  outputPattern(dir: string, stream: 'out' | 'err'): string;
}

/** The part of a scheduler that asks about, cancels and finds jobs, and recognises an outage. */
export type SchedulerQueries = Pick<
  BatchScheduler,
  | 'queueCommand'
  | 'parseQueue'
  | 'queueKnowsNone'
  | 'accountingCommands'
  | 'parseAccounting'
  | 'cancelCommand'
  | 'cancelFoundNothing'
  | 'findArrayCommands'
  | 'findCommands'
  | 'parseFind'
  | 'isOutage'
>;
