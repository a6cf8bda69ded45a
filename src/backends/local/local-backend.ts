/**
 * The local framework: tasks run on this machine under a small /bin/sh supervisor each (see
 * launch-script.ts), in a session of their own so they outlive the server. Tasks wait in submit
 * order until their cores and memory fit; the kernel enforces the limits. Tasks with images run
 * in containers through the Docker Engine API instead (./docker/), sharing the same queue.
 */
import type { Backend, BackendContext, FrameworkInfo, JobReport } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import { ContainerJobs } from './docker/container-jobs.js';
import type { TaskContainer } from './docker/engine.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupPids,
  createTaskCgroup,
  detectCgroups,
  findTaskCgroup,
  killCgroup,
  removeTaskCgroupSoon,
  wasOomKilled,
} from './cgroups.js';
import { CpuSet } from './cpu-set.js';
import {
  keepScriptCopy,
  prepareHostLaunch,
  recoverLaunch,
  supervisorMarker,
} from './host-launch.js';
import { Launcher } from './launcher.js';
import { LAUNCHER_MARKER } from './launcher-process.js';
import { canStartDirectly, directStartOf } from './direct-launch.js';
import type { LocalOptions, QueuedTask, RunningJob } from './local-jobs.js';
import { canSwitchUsers, resolveRunAs, type UnixIdentity } from '../run-as.js';
import { removeTaskFiles } from './remove-task-files.js';
import { makeTaskDirs, prepareTaskParents, taskDirsOf } from './task-dirs.js';
import { mkdir } from 'node:fs/promises';
import { isSupervisorAlive, signalAll, stopProcessTree } from './process-probe.js';
import { readOutcome } from './read-outcome.js';

export function createLocalBackend(context: BackendContext): Backend {
  const options = context.options as unknown as LocalOptions;
  const log = context.log.child({ framework: 'local' });
  const cgroupVersion = options.cgroups === 'off' ? undefined : detectCgroups();
  const cpuSet = new CpuSet();
  const queue: QueuedTask[] = [];
  const running = new Map<string, RunningJob>();
  let freeCores = options.cores;
  let freeMemory = options.memory;
  let startScheduled = false;
  const containerJobs = new ContainerJobs({
    options,
    configured: context.containers ?? 'auto',
    workdir: context.workdir,
    stateDir: context.stateDir,
    identityPool: context.identityPool,
    allowedRoots: context.allowedRoots ?? [context.workdir],
    report: context.report,
    log,
  });
  let closed = false;
  const launcher = new Launcher();
  log.info(
    { cgroups: cgroupVersion ?? 'none', cores: options.cores, memory: options.memory },
    'local framework ready',
  );

  prepareTaskParents(
    context.workdir,
    context.stateDir,
    canSwitchUsers() && options.runAs !== 'root',
  );
  const dirsOf = (id: string) => taskDirsOf(context.workdir, context.stateDir, id);
  const identityOf = (task: TaskRecord) =>
    resolveRunAs(task.spec.user, options, context.identityPool);
  /** Makes the task's directories, its own one given to the identity it runs as. */
  const makeDirs = (task: TaskRecord, identity?: UnixIdentity): Promise<void> =>
    makeTaskDirs(dirsOf(task.id), identity ?? identityOf(task).identity);
  /** Started by the launcher without a supervisor (direct-launch.ts)? */
  const direct = (task: TaskRecord): boolean => {
    const { identity, problem } = identityOf(task);
    return !problem && canStartDirectly(task, dirsOf(task.id), identity, cgroupVersion);
  };
  /** What must exist before a launch: the markers alone for a direct start (the launcher makes the rest). */
  const prepareDirs = (task: TaskRecord): Promise<unknown> =>
    direct(task)
      ? mkdir(dirsOf(task.id).markersDir, { recursive: true, mode: 0o700 })
      : makeDirs(task);
  const coresOf = (task: TaskRecord): number => task.spec.resources.cores ?? options.defaultCores;
  const memoryOf = (task: TaskRecord): number => task.spec.resources.memoryMiB ?? 0;

  /** Keeps the queue in submit order (a new task almost always goes last, so look from the end). */
  function enqueue(task: TaskRecord, launch = 1): void {
    let at = queue.length;
    while (at > 0 && queue[at - 1]!.task.seq > task.seq) at--;
    queue.splice(at, 0, { task, launch });
    scheduleStart();
  }

  /**
   * The directories of the next tasks to start are made ahead, off the event loop, so each is
   * there when its task starts; only a few ahead, so a long held queue costs nothing.
   */
  function prepareAhead(): void {
    for (const queued of queue.slice(0, Math.max(4, options.cores * 2))) {
      if (queued.dirReady) continue;
      if (identityOf(queued.task).problem) continue; // Reported when the task starts.
      queued.dirReady = prepareDirs(queued.task).then(() => undefined);
      queued.dirReady.catch(() => undefined); // Reported when the task starts.
    }
  }

  function scheduleStart(): void {
    if (startScheduled) return;
    startScheduled = true;
    setImmediate(() => {
      startScheduled = false;
      startWhatFits();
    });
  }

  /** Starts queued tasks strictly in submit order while the head of the queue fits. */
  function startWhatFits(): void {
    if (!options.paused) prepareAhead();
    while (!options.paused && !closed && queue.length > 0) {
      const head = queue[0]!;
      const cores = Math.min(coresOf(head.task), options.cores);
      if (cores > freeCores + 1e-9 || memoryOf(head.task) > freeMemory) return;
      queue.shift();
      launch(head);
    }
    if (!options.paused) prepareAhead();
  }

  function reserve(job: RunningJob): void {
    freeCores -= Math.min(job.cores, options.cores);
    freeMemory -= job.memoryMiB;
    running.set(job.task.id, job);
  }

  function release(job: RunningJob): void {
    freeCores += Math.min(job.cores, options.cores);
    freeMemory += job.memoryMiB;
    cpuSet.release(job.cpus);
    running.delete(job.task.id);
  }

  /** Takes the task's cores and memory now, and starts its supervisor once its directory exists. */
  function launch({ task, launch: launchNumber, dirReady }: QueuedTask): void {
    if (containerJobs.handles(task)) return launchInContainers(task);
    const job: RunningJob = {
      task,
      pid: -1,
      marker: supervisorMarker(task.id, launchNumber),
      cores: coresOf(task),
      memoryMiB: memoryOf(task),
      cpus: [],
      memoryBy: 'none',
      finished: false,
    };
    reserve(job);
    job.starting = (dirReady ?? prepareDirs(task))
      .then(() =>
        direct(task) ? startDirectly(job, launchNumber) : startSupervisor(job, launchNumber),
      )
      .catch((error: Error) => finishWith(job, systemError(`could not start: ${error.message}`)));
  }

  async function startSupervisor(job: RunningJob, launchNumber: number): Promise<void> {
    if (closed || job.finished) return;
    const { task } = job;
    const dirs = dirsOf(task.id);
    const { identity, problem } = identityOf(task);
    if (problem) throw new Error(problem);
    const prepared = prepareHostLaunch(task, dirs, launchNumber, {
      cgroupVersion,
      cpuSet,
      runAs: identity,
    });
    Object.assign(job, {
      cpus: prepared.cpus,
      cgroup: prepared.cgroup,
      memoryBy: prepared.memoryBy,
    });
    const request = {
      script: prepared.script,
      marker: prepared.marker,
      cwd: dirs.taskDir,
      env: { JOBPROXY_TASK_ID: task.id },
    };
    job.pid = await launcher.launch(request, (pid) => {
      job.pid = pid;
      finish(job);
    });
    keepScriptCopy(dirs.markersDir, launchNumber, prepared.script);
    reportRunning(job);
  }

  /** One spawn by the launcher; a task directory that exists already falls back to the script. */
  async function startDirectly(job: RunningJob, launchNumber: number): Promise<void> {
    if (closed || job.finished) return;
    const { task } = job;
    const dirs = dirsOf(task.id);
    const { identity } = identityOf(task);
    const { memoryMiB } = task.spec.resources;
    const cgroup = cgroupVersion
      ? createTaskCgroup(cgroupVersion, task.id, { memoryMiB })
      : undefined;
    if (memoryMiB !== undefined && !cgroup?.memoryDir) return fallBack(job, launchNumber);
    Object.assign(job, { cgroup, memoryBy: memoryMiB === undefined ? 'none' : 'cgroup' });
    const started = await launcher.launchDirect(
      directStartOf(task, dirs, launchNumber, identity, cgroup),
      () => finish(job),
    );
    if (started === 'supervisor') return fallBack(job, launchNumber);
    if (job.pid < 0) job.pid = started.pid;
    job.launcher = started.launcher;
    reportRunning(job);
  }

  async function fallBack(job: RunningJob, launchNumber: number): Promise<void> {
    await makeDirs(job.task);
    await startSupervisor(job, launchNumber);
  }

  function reportRunning(job: RunningJob): void {
    // A very short task may have ended (and been recorded) before its start was heard of.
    if (!job.finished) {
      context.report(job.task.id, {
        state: 'RUNNING',
        description: 'running',
        started: new Date().toISOString(),
      });
    }
  }

  /** True while the job's supervisor — or, started directly, its launcher with no exit yet — lives. */
  function isAlive(job: RunningJob): boolean {
    if (job.launcher === undefined) return isSupervisorAlive(job.pid, job.marker);
    if (existsSync(join(dirsOf(job.task.id).markersDir, 'exit'))) return false;
    return isSupervisorAlive(job.launcher, LAUNCHER_MARKER);
  }

  /** Runs a task in containers, or resumes it with the containers a restart found. */
  function launchInContainers(task: TaskRecord, found?: TaskContainer[]): void {
    const cores = task.spec.resources.cores;
    // A cpuset only where whole cores are asked; a fraction gets its CPU quota alone.
    const pin = found === undefined && cores !== undefined && Number.isInteger(cores);
    const cpus = pin ? cpuSet.take(cores) : [];
    const job: RunningJob = {
      task,
      pid: -1,
      marker: '',
      cores: coresOf(task),
      memoryMiB: memoryOf(task),
      cpus,
      memoryBy: 'none',
      finished: false,
      inContainers: true,
    };
    reserve(job);
    const onEnd = (): void => {
      job.finished = true;
      release(job);
      scheduleStart();
    };
    containerJobs.start(task, cpus, onEnd, found);
  }

  /** The supervisor is gone: clean up what the task left and report how it ended. */
  function finish(job: RunningJob): void {
    const oomKilled = wasOomKilled(job.cgroup);
    const report = readOutcome({
      taskDir: dirsOf(job.task.id).markersDir,
      executorCount: job.task.spec.executors.length,
      oomKilled,
      memoryMiB: job.task.spec.resources.memoryMiB,
      cputimeSec: job.task.spec.resources.cputimeSec,
      memoryBy: job.memoryBy,
    });
    if (report.state === 'SYSTEM_ERROR' && job.launcher !== undefined) {
      report.description = 'the launcher that reaps the task ended before it; the task was killed';
      report.systemLog = `launcher pid ${job.launcher} gone and no exit marker was written (killed?); the task's processes and cgroup were killed`;
    }
    finishWith(job, report);
  }

  function finishWith(job: RunningJob, report: JobReport): void {
    // Once closed, ends are left for the next server to find (it reads the marker files).
    if (job.finished || closed) return;
    job.finished = true;
    // A task's leftovers (background children) end with it, as under a batch scheduler.
    if (job.pid > 0) signalAll(job.pid, cgroupPids(job.cgroup), 'SIGKILL');
    killCgroup(job.cgroup);
    removeTaskCgroupSoon(job.cgroup);
    release(job);
    context.report(job.task.id, report);
    scheduleStart();
  }

  async function stopJob(job: RunningJob): Promise<void> {
    await stopProcessTree(job.pid, () => cgroupPids(job.cgroup), options.killGrace);
    // What is left in the cgroup (a child that left the session and ignores SIGTERM, say).
    killCgroup(job.cgroup);
    finish(job);
  }

  /** Re-attaches to one unfinished task after a restart, or queues it if it never ran. */
  function recoverTask(task: TaskRecord): void {
    const found = recoverLaunch(dirsOf(task.id).markersDir);
    if (found.kind === 'never-ran') return enqueue(task, found.nextLaunch);
    const cgroup = cgroupVersion ? findTaskCgroup(cgroupVersion, task.id) : undefined;
    const memoryMiB = task.spec.resources.memoryMiB;
    const job: RunningJob = {
      task,
      pid: found.pid ?? -1,
      marker: supervisorMarker(task.id, found.launch),
      cores: coresOf(task),
      memoryMiB: memoryOf(task),
      cpus: [],
      cgroup,
      memoryBy: memoryMiB === undefined ? 'none' : cgroup?.memoryDir ? 'cgroup' : 'rlimit',
      finished: false,
      launcher: found.launcher,
    };
    reserve(job);
    if ((found.pid !== undefined || found.launcher !== undefined) && isAlive(job)) {
      log.info({ task: task.id, pid: found.pid }, 're-attached to a running task');
      context.report(task.id, { state: 'RUNNING', description: 'running' });
    } else {
      finish(job);
    }
  }

  const info: FrameworkInfo = {
    name: 'local',
    supports: {
      ...containerJobs.supports(),
      cores: true,
      memory: true,
      cputime: true,
      multipleExecutors: true,
    },
    capacity: { cores: options.cores, memoryMiB: options.memory },
    pollStates: ['INITIALIZING', 'RUNNING'],
    containers: containerJobs.mode,
  };

  return {
    info,
    async init() {
      await containerJobs.init();
      Object.assign(info.supports, containerJobs.supports());
      info.containers = containerJobs.mode;
    },
    checkTask(spec) {
      const { problem } = resolveRunAs(spec.user, options, context.identityPool);
      return [...containerJobs.checkTask(spec), ...(problem ? [{ field: 'user', problem }] : [])];
    },
    async submit(task) {
      const jobId = containerJobs.jobIdOf(task);
      enqueue(task);
      return jobId;
    },
    async cancel(task) {
      const index = queue.findIndex((queued) => queued.task.id === task.id);
      if (index >= 0) queue.splice(index, 1);
      const job = running.get(task.id);
      await job?.starting;
      if (job && !job.finished)
        await (job.inContainers ? containerJobs.cancel(task.id) : stopJob(job));
    },
    async poll() {
      // Supervisors we spawned report through their exit event; re-attached ones are checked here.
      for (const job of [...running.values()]) {
        if (job.finished || job.inContainers) continue;
        if (job.pid < 0 && job.launcher === undefined) continue;
        if (!isAlive(job)) finish(job);
      }
      return new Map();
    },
    async recover(tasks) {
      const sorted = [...tasks].sort((a, b) => a.seq - b.seq);
      for (const task of sorted) if (!containerJobs.handles(task)) recoverTask(task);
      await containerJobs.recover(
        sorted.filter((task) => containerJobs.handles(task)),
        { enqueue, resume: launchInContainers },
      );
    },
    removeTaskFiles: (taskId) => removeTaskFiles(context.workdir, context.stateDir, taskId),
    capacity() {
      return {
        cores: { used: options.cores - freeCores, total: options.cores },
        memoryMiB: { used: options.memory - freeMemory, total: options.memory },
        running: running.size,
        queued: queue.length,
      };
    },
    async close() {
      // Tasks keep running: a restarted server re-attaches to them.
      closed = true;
      queue.length = 0;
      launcher.close();
      await containerJobs.close();
    },
  };
}

function systemError(description: string): JobReport {
  return {
    state: 'SYSTEM_ERROR',
    description,
    systemLog: description,
    ended: new Date().toISOString(),
  };
}
