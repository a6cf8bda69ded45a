/**
 * The one batch engine: a Backend over any BatchScheduler (Slurm, Grid Engine). Tasks become job
 * scripts (./job-script.ts) submitted with the scheduler's command (./submit-job.ts); one query
 * polls all unfinished jobs (./poll-jobs.ts); the markers each script leaves in its task directory
 * and the scheduler's accounting tell how a job ended, also after a server restart.
 */
import { resolveRunAs } from '../run-as.js';
import type { Backend, BackendContext, FrameworkInfo, JobReport } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import type { BatchSettings } from './batch-options.js';
import { commandEnvironment, commandRunner, type EngineContext } from './engine-context.js';
import { isActive, pollJobs, queryQueue, SchedulerUnavailableError } from './poll-jobs.js';
import { describeFailure } from './run-command.js';
import type { BatchScheduler } from './scheduler.js';
import { SubmitBatcher } from './submit-batcher.js';
import { submitFailure, submitJob } from './submit-job.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a cancel waits for the job to leave the scheduler's running states. */
const CANCEL_WAIT_MS = 20_000;

/** Creates the backend of a batch framework from its scheduler data and settings. */
export function createBatchBackend(
  scheduler: BatchScheduler,
  settings: BatchSettings,
  backendContext: BackendContext,
): Backend {
  const log = backendContext.log.child({ framework: scheduler.name });
  const abort = new AbortController();
  const env = commandEnvironment(scheduler.env);
  const context: EngineContext = {
    scheduler,
    settings,
    workdir: backendContext.workdir,
    log,
    run: commandRunner(env, settings.commandTimeout, abort.signal),
  };
  const attempts = new Map<string, number>();
  const batcher = new SubmitBatcher(context, submitFailure(context, attempts));
  const firstMissing = new Map<string, number>();
  let lastPoll = 0;
  let outage: string | undefined;
  let closed = false;

  const info: FrameworkInfo = {
    name: scheduler.name,
    supports: {
      containers: settings.containerCli !== 'host',
      ports: false,
      mounts: settings.containerCli !== 'host',
      cores: true,
      memory: true,
      cputime: true,
      multipleExecutors: true,
    },
    pollStates: ['QUEUED', 'INITIALIZING', 'RUNNING'],
    containers: settings.containerCli,
    // Enough submits in flight for the batcher to fill its arrays.
    submitsInFlight: settings.submitCommands * settings.arraySize,
  };

  /** Polls now; logs a scheduler outage once (and its end) instead of failing every poll. */
  async function pollNow(tasks: TaskRecord[]): Promise<Map<string, JobReport>> {
    lastPoll = Date.now();
    try {
      const { reports, stuck } = await pollJobs(context, tasks, firstMissing);
      if (outage !== undefined) log.info({ was: outage }, `${scheduler.name} answers again`);
      outage = undefined;
      // A job stuck in an error state never runs: delete it so it does not linger in the queue.
      if (stuck.length > 0) await context.run(scheduler.cancelCommand(stuck));
      return reports;
    } catch (error) {
      if (!(error instanceof SchedulerUnavailableError) || closed) throw error;
      if (outage === undefined)
        log.warn(
          { reason: error.message },
          `${scheduler.name} cannot be asked; jobs keep their states`,
        );
      outage = error.message;
      return new Map();
    }
  }

  async function cancelJob(task: TaskRecord): Promise<void> {
    const jobId = task.jobId!;
    const argv = scheduler.cancelCommand([jobId]);
    const deadline = Date.now() + settings.commandTimeout * 1000;
    for (;;) {
      const result = await context.run(argv);
      if (result.code === 0 || scheduler.cancelFoundNothing(result)) break;
      const reason = describeFailure(argv, result);
      if (closed || Date.now() > deadline || !(result.timedOut || scheduler.isOutage(result))) {
        throw new Error(reason);
      }
      await sleep(1000);
    }
    // Answer once the job no longer runs, so that a deleted task is gone from the scheduler.
    const until = Date.now() + CANCEL_WAIT_MS;
    while (!closed && Date.now() < until) {
      const queue = await queryQueue(context, [jobId]).catch(() => undefined);
      if (queue !== undefined && !isActive(queue.get(jobId))) return;
      await sleep(250);
    }
    log.warn({ task: task.id, jobId }, 'the job still shows as active after cancel');
  }

  return {
    info,
    // An owner with no Unix user to submit as is refused at submit, naming `user`.
    checkTask(spec) {
      const { problem } = resolveRunAs(spec.user, settings);
      return problem ? [{ field: 'user', problem }] : [];
    },
    submit: (task) => submitJob(context, batcher, task, attempts),
    cancel: async (task) => {
      if (task.jobId !== null) await cancelJob(task);
    },
    async poll(tasks) {
      if (closed || Date.now() - lastPoll < settings.pollSeconds * 1000) return new Map();
      return pollNow(tasks);
    },
    async recover(tasks) {
      // The ends of jobs that finished while the server was down are reported in the background,
      // so a scheduler that is down does not hold up the server's start.
      const followed = tasks.filter((t) => t.state !== 'CANCELING');
      log.info({ jobs: followed.length }, 'following the jobs of unfinished tasks');
      if (followed.length === 0) return;
      void pollNow(followed).then(
        (reports) => {
          if (closed) return;
          for (const [taskId, report] of reports) backendContext.report(taskId, report);
        },
        (error: Error) => log.error({ err: error }, 'recovering jobs failed'),
      );
    },
    async close() {
      // Jobs keep running in the scheduler: a restarted server finds them by their job ids.
      closed = true;
      abort.abort();
    },
  };
}
