/**
 * The local framework: tasks run on this machine, started by the resident launcher either
 * directly or under a small /bin/sh supervisor each (host-jobs.ts), in a session of their own so
 * they outlive the server. Tasks wait in submit order (task-queue.ts) until their cores and
 * memory fit (capacity.ts); the kernel enforces the limits. Tasks with images run in containers
 * through the Docker Engine API instead (./docker/), sharing the same queue. A restart re-attaches
 * to what still runs (recovery.ts).
 */
import type { Backend, BackendContext, FrameworkInfo, JobReport } from '../backend.js';
import type { Logger } from 'pino';
import type { TaskRecord, TaskSpec } from '../../model/task.js';
import { ContainerJobs } from './docker/container-jobs.js';
import type { TaskContainer } from './docker/engine.js';
import { detectCgroups } from './cgroups.js';
import { Capacity } from './capacity.js';
import { HostJobs } from './host-jobs.js';
import type { LocalOptions, RunningJob } from './local-jobs.js';
import { recoverHostTask, type RecoveryDeps } from './recovery.js';
import { canSwitchUsers, resolveRunAs } from '../run-as.js';
import { removeTaskFiles } from './remove-task-files.js';
import { prepareTaskParents } from './task-dirs.js';
import { TaskQueue } from './task-queue.js';
import { TaskSetup } from './task-setup.js';

/** Submits the dispatcher may have in flight here: each is an enqueue in memory. */
const LOCAL_SUBMITS_IN_FLIGHT = 64;

export function createLocalBackend(context: BackendContext): Backend {
  return new LocalBackend(context);
}

class LocalBackend implements Backend {
  readonly info: FrameworkInfo;
  private readonly options: LocalOptions;
  private readonly setup: TaskSetup;
  private readonly capacityHeld: Capacity;
  private readonly queue: TaskQueue;
  private readonly containerJobs: ContainerJobs;
  private readonly hostJobs: HostJobs;
  private readonly log: Logger;
  private startScheduled = false;
  /** True while startWhatFits runs (a start that frees capacity must not re-enter it). */
  private starting = false;
  private closed = false;

  constructor(private readonly context: BackendContext) {
    const options = (this.options = context.options as unknown as LocalOptions);
    const log = (this.log = context.log.child({ framework: 'local' }));
    const cgroupVersion = options.cgroups === 'off' ? undefined : detectCgroups();
    this.setup = new TaskSetup(context, options, cgroupVersion);
    this.capacityHeld = new Capacity(options.cores, options.memory);
    this.queue = new TaskQueue(context.loadTask, (task) => this.sizeOf(task));
    this.containerJobs = new ContainerJobs({
      options,
      configured: context.containers ?? 'auto',
      workdir: context.workdir,
      stateDir: context.stateDir,
      identityPool: context.identityPool,
      allowedRoots: context.allowedRoots ?? [context.workdir],
      report: context.report,
      log,
    });
    this.hostJobs = new HostJobs({
      context,
      options,
      setup: this.setup,
      capacity: this.capacityHeld,
      freed: () => this.startNow(),
      lostBeforeStart: (task) => recoverHostTask(task, this.recoveryDeps()),
    });
    log.info(
      { cgroups: cgroupVersion ?? 'none', cores: options.cores, memory: options.memory },
      'local framework ready',
    );
    const switching = canSwitchUsers() && options.runAs !== 'root';
    prepareTaskParents(context.workdir, context.stateDir, switching);
    this.info = this.describe();
  }

  private describe(): FrameworkInfo {
    return {
      name: 'local',
      supports: {
        ...this.containerJobs.supports(),
        cores: true,
        memory: true,
        cputime: true,
        multipleExecutors: true,
      },
      capacity: { cores: this.options.cores, memoryMiB: this.options.memory },
      pollStates: ['INITIALIZING', 'RUNNING'],
      containers: this.containerJobs.mode,
      // A submit only queues the task here (no await before it does): many at once keep their
      // order, and the dispatcher need not wait for one before the next.
      submitsInFlight: LOCAL_SUBMITS_IN_FLIGHT,
    };
  }

  /** The cores and memory a task holds while it runs. */
  private sizeOf(task: TaskRecord): { cores: number; memoryMiB: number } {
    return { cores: this.setup.coresOf(task), memoryMiB: this.setup.memoryOf(task) };
  }

  private enqueue(task: TaskRecord, launch = 1): void {
    this.queue.add({ id: task.id, seq: task.seq, ...this.sizeOf(task), launch, task });
    this.scheduleStart();
  }

  /**
   * The directories of the next tasks to start under a supervisor are made ahead, so each is
   * there when its task starts (a direct task's are made by the launcher); only a few ahead, so
   * a long held queue costs nothing.
   */
  private prepareAhead(): void {
    for (const queued of this.queue.first(Math.max(4, this.options.cores * 2))) {
      if (queued.dirReady) continue;
      if (this.setup.identityOf(queued.task).problem) continue; // Reported when the task starts.
      queued.dirReady = this.setup.prepareDirs(queued.task);
      queued.dirReady.catch(() => undefined); // Reported when the task starts.
    }
  }

  /**
   * Starts what fits at once, in the caller's turn: a task's end hands its cores to the next
   * without waiting for the rest of the event loop. From inside a start, it waits its turn.
   */
  private startNow(): void {
    if (this.starting) return this.scheduleStart();
    this.starting = true;
    try {
      this.startWhatFits();
    } finally {
      this.starting = false;
    }
  }

  private scheduleStart(): void {
    if (this.startScheduled) return;
    this.startScheduled = true;
    setImmediate(() => {
      this.startScheduled = false;
      this.startWhatFits();
    });
  }

  /**
   * Starts queued tasks strictly in submit order while the head of the queue fits; then makes the
   * directories of the next few, so a start never waits for another task's preparation.
   */
  private startWhatFits(): void {
    const { paused } = this.options;
    if (paused || this.closed) return;
    // A successor handed to the launcher is older than every queued task: it goes first.
    for (
      let head = this.queue.head();
      this.hostJobs.placeSuccessor() && head;
      head = this.queue.head()
    ) {
      const { task } = head;
      if (this.capacityHeld.fits(head.cores, head.memoryMiB)) {
        this.queue.shift();
        if (this.containerJobs.handles(task)) this.launchInContainers(task);
        else this.hostJobs.launch(head);
      } else if (!this.containerJobs.handles(task) && this.hostJobs.handOver(head)) {
        this.queue.shift();
      } else {
        break;
      }
    }
    // After the starts just made have reached the launcher (they continue in microtasks).
    setImmediate(() => this.prepareAhead());
  }

  /** Runs a task in containers, or resumes it with the containers a restart found. */
  private launchInContainers(task: TaskRecord, found?: TaskContainer[]): void {
    const cores = task.spec.resources.cores;
    // A cpuset only where whole cores are asked; a fraction gets its CPU quota alone.
    const pin = found === undefined && cores !== undefined && Number.isInteger(cores);
    const cpus = pin ? this.capacityHeld.cpuSet.take(cores) : [];
    const job: RunningJob = {
      task,
      pid: -1,
      marker: '',
      cores: this.setup.coresOf(task),
      memoryMiB: this.setup.memoryOf(task),
      cpus,
      memoryBy: 'none',
      finished: false,
      inContainers: true,
    };
    this.capacityHeld.reserve(job);
    const onEnd = (): void => {
      job.finished = true;
      this.capacityHeld.release(job);
      this.scheduleStart();
    };
    this.containerJobs.start(task, cpus, onEnd, found);
  }

  async init(): Promise<void> {
    await this.containerJobs.init();
    Object.assign(this.info.supports, this.containerJobs.supports());
    this.info.containers = this.containerJobs.mode;
  }

  checkTask(spec: TaskSpec) {
    const { problem } = resolveRunAs(spec.user, this.options, this.context.identityPool);
    const own = problem ? [{ field: 'user', problem }] : [];
    return [...this.containerJobs.checkTask(spec), ...own];
  }

  async submit(task: TaskRecord): Promise<string> {
    const jobId = this.containerJobs.jobIdOf(task);
    this.enqueue(task);
    return jobId;
  }

  async cancel(task: TaskRecord): Promise<void> {
    this.queue.remove(task);
    if (await this.hostJobs.dropSuccessor(task.id)) return;
    const job = this.capacityHeld.running.get(task.id);
    await job?.starting;
    if (!job || job.finished) return;
    await (job.inContainers ? this.containerJobs.cancel(task.id) : this.hostJobs.stop(job));
  }

  async poll(): Promise<Map<string, JobReport>> {
    // Launches we made report through their exit event; re-attached ones are checked here.
    this.hostJobs.checkAll();
    // A start that stopped on a store read that failed is tried again here.
    this.scheduleStart();
    return new Map();
  }

  private recoveryDeps(): RecoveryDeps {
    return {
      setup: this.setup,
      capacity: this.capacityHeld,
      hostJobs: this.hostJobs,
      enqueue: (task, launch) => this.enqueue(task, launch),
      report: this.context.report,
      log: this.log,
    };
  }

  async recover(tasks: TaskRecord[]): Promise<void> {
    const sorted = [...tasks].sort((a, b) => a.seq - b.seq);
    const enqueue = (task: TaskRecord, launch?: number) => this.enqueue(task, launch);
    const deps = this.recoveryDeps();
    for (const task of sorted) if (!this.containerJobs.handles(task)) recoverHostTask(task, deps);
    await this.containerJobs.recover(
      sorted.filter((task) => this.containerJobs.handles(task)),
      { enqueue, resume: (task, found) => this.launchInContainers(task, found) },
    );
  }

  removeTaskFiles(taskId: string): Promise<void> {
    return removeTaskFiles(this.context.workdir, this.context.stateDir, taskId);
  }

  capacity() {
    // A successor waiting in the launcher is still queued: it holds no cores yet.
    return this.capacityHeld.usage(this.queue.length + this.hostJobs.successorsWaiting());
  }

  async close(): Promise<void> {
    // Tasks keep running: a restarted server re-attaches to them.
    this.closed = true;
    this.queue.clear();
    this.hostJobs.close();
    await this.containerJobs.close();
  }
}
