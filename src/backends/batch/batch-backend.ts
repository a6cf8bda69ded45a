/**
 * The one batch engine: a Backend over any BatchScheduler (Slurm, Grid Engine). Tasks become job
 * scripts (./job-script.ts) submitted with the scheduler's command (./submit-job.ts); one query
 * polls all unfinished jobs (./poll-jobs.ts); the markers each script leaves in its task directory
 * and the scheduler's accounting tell how a job ended, also after a server restart.
 */
import { resolveRunAs } from '../run-as.js';
import type { Backend, BackendContext, FrameworkInfo, JobReport, ReportJob } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import type { BatchSettings } from './batch-options.js';
import { commandEnvironment, commandRunner, type EngineContext } from './engine-context.js';
import { cancelJob } from './cancel-job.js';
import { pollJobs, SchedulerUnavailableError } from './poll-jobs.js';
import type { BatchScheduler } from './scheduler.js';
import { SubmitBatcher } from './submit-batcher.js';
import { submitFailure, submitJob } from './submit-job.js';

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
  const state = { closed: false };
  const poller = outagePoller(context, () => state.closed);
  return {
    info: batchInfo(scheduler.name, settings),
    // An owner with no Unix user to submit as is refused at submit, naming `user`.
    checkTask(spec) {
      const { problem } = resolveRunAs(spec.user, settings);
      return problem ? [{ field: 'user', problem }] : [];
    },
    submit: (task) => submitJob(context, batcher, task, attempts),
    cancel: async (task) => {
      if (task.jobId !== null) await cancelJob(context, task, () => state.closed);
    },
    async poll(tasks) {
      if (state.closed || !poller.due()) return new Map();
      return poller.poll(tasks);
    },
    recover: (tasks) =>
      recoverJobs(context, poller, tasks, (id, report) => {
        if (!state.closed) backendContext.report(id, report);
      }),
    async close() {
      // Jobs keep running in the scheduler: a restarted server finds them by their job ids.
      state.closed = true;
      abort.abort();
    },
  };
}

/** What a batch framework honours: containers and mounts unless images run on the host. */
function batchInfo(name: string, settings: BatchSettings): FrameworkInfo {
  const images = settings.containerCli !== 'host';
  return {
    name,
    supports: {
      containers: images,
      ports: false,
      mounts: images,
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
}

interface OutagePoller {
  /** Whether pollSeconds have passed since the last query. */
  due(): boolean;
  poll(tasks: TaskRecord[]): Promise<Map<string, JobReport>>;
}

/** Polls the scheduler; logs an outage once (and its end) instead of failing every poll. */
function outagePoller(context: EngineContext, isClosed: () => boolean): OutagePoller {
  const { scheduler, log } = context;
  const firstMissing = new Map<string, number>();
  let lastPoll = 0;
  let outage: string | undefined;
  return {
    due: () => Date.now() - lastPoll >= context.settings.pollSeconds * 1000,
    async poll(tasks) {
      lastPoll = Date.now();
      try {
        const { reports, stuck } = await pollJobs(context, tasks, firstMissing);
        if (outage !== undefined) log.info({ was: outage }, `${scheduler.name} answers again`);
        outage = undefined;
        // A job stuck in an error state never runs: delete it so it does not linger in the queue.
        if (stuck.length > 0) await context.run(scheduler.cancelCommand(stuck));
        return reports;
      } catch (error) {
        if (!(error instanceof SchedulerUnavailableError) || isClosed()) throw error;
        if (outage === undefined) {
          log.warn(
            { reason: error.message },
            `${scheduler.name} cannot be asked; jobs keep their states`,
          );
        }
        outage = error.message;
        return new Map();
      }
    },
  };
}

/**
 * The ends of jobs that finished while the server was down are reported in the background, so a
 * scheduler that is down does not hold up the server's start.
 */
async function recoverJobs(
  context: EngineContext,
  poller: OutagePoller,
  tasks: TaskRecord[],
  report: ReportJob,
): Promise<void> {
  const followed = tasks.filter((t) => t.state !== 'CANCELING');
  context.log.info({ jobs: followed.length }, 'following the jobs of unfinished tasks');
  if (followed.length === 0) return;
  void poller.poll(followed).then(
    (reports) => {
      for (const [taskId, each] of reports) report(taskId, each);
    },
    (error: Error) => context.log.error({ err: error }, 'recovering jobs failed'),
  );
}
