/**
 * Host tasks of the local framework from start to end: started directly by the launcher or under
 * a /bin/sh supervisor, followed while they run, and finished — leftovers killed, cgroup removed,
 * the end read from the markers and reported.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendContext, JobReport } from '../backend.js';
import {
  cgroupPids,
  createTaskCgroup,
  killCgroup,
  removeIfEmpty,
  removeTaskCgroupSoon,
  wasOomKilled,
} from './cgroups.js';
import type { Capacity } from './capacity.js';
import { directStartOf } from './direct-launch.js';
import { keepScriptCopy, prepareHostLaunch, supervisorMarker } from './host-launch.js';
import { Launcher, type DirectStarted, type TaskLauncher, type ToldExit } from './launcher.js';
import type { DirectStart } from './direct-start.js';
import type { TaskRecord } from '../../model/task.js';
import { LAUNCHER_MARKER } from './launcher-marker.js';
import type { LocalOptions, RunningJob, StartingTask } from './local-jobs.js';
import {
  isSupervisorAlive,
  processStartTime,
  signalAll,
  stopProcessTree,
} from './process-probe.js';
import { readOutcome } from './read-outcome.js';
import { SuccessorSlot, type Successor } from './successor-slot.js';
import type { TaskSetup } from './task-setup.js';

export interface HostJobsDeps {
  context: BackendContext;
  options: LocalOptions;
  setup: TaskSetup;
  capacity: Capacity;
  /** Called whenever a task gave back its cores and memory. */
  freed: () => void;
  /** A successor's launcher was lost before it was known to start: recover it as after a restart. */
  lostBeforeStart: (task: TaskRecord) => void;
  /** The launcher to start tasks through (tests give a scripted one). */
  launcher?: TaskLauncher;
}

export class HostJobs {
  private readonly launcher: TaskLauncher;
  private readonly successors: SuccessorSlot;
  private closed = false;

  constructor(private readonly deps: HostJobsDeps) {
    const launcher = (this.launcher = deps.launcher ?? new Launcher());
    this.successors = new SuccessorSlot({
      capacity: deps.capacity,
      setup: deps.setup,
      launcher,
      newJob: (task, launchNumber) => this.newJob(task, launchNumber),
      start: (job, launchNumber, successor) => this.startDirectly(job, launchNumber, successor),
      fail: (job, reason) => this.finishWith(job, systemError(reason)),
      lostBeforeStart: (task) => {
        if (!this.closed) deps.lostBeforeStart(task);
      },
    });
  }

  private newJob(task: TaskRecord, launchNumber: number): RunningJob {
    const { setup } = this.deps;
    return {
      task,
      pid: -1,
      marker: supervisorMarker(task.id, launchNumber),
      cores: setup.coresOf(task),
      memoryMiB: setup.memoryOf(task),
      cpus: [],
      memoryBy: 'none',
      finished: false,
    };
  }

  /** Takes the task's cores and memory now, and starts it once its directory exists. */
  launch({ task, launch: launchNumber, dirReady }: StartingTask): void {
    const { setup } = this.deps;
    const job = this.newJob(task, launchNumber);
    this.deps.capacity.reserve(job);
    const direct = (job.direct = setup.isDirect(task));
    job.starting = (dirReady ?? setup.prepareDirs(task))
      .then(() =>
        direct ? this.startDirectly(job, launchNumber) : this.startSupervisor(job, launchNumber),
      )
      .catch((error: Error) =>
        this.finishWith(job, systemError(`could not start: ${error.message}`)),
      );
  }

  /** See SuccessorSlot.handOver. */
  handOver(head: StartingTask): boolean {
    return !this.closed && this.successors.handOver(head);
  }

  /** See SuccessorSlot.place: false while a successor waits for its place. */
  placeSuccessor(): boolean {
    return this.successors.place();
  }

  /** Successors handed over that hold no place yet (0 or 1). */
  successorsWaiting(): number {
    return this.successors.waitingCount();
  }

  /** See SuccessorSlot.drop: true when task `id` was a successor that now never starts. */
  dropSuccessor(id: string): Promise<boolean> {
    return this.successors.drop(id);
  }

  /** One spawn by the launcher; a task directory that exists already falls back to the script. */
  private async startDirectly(
    job: RunningJob,
    launchNumber: number,
    successor?: Successor,
  ): Promise<void> {
    if (successor?.dropping) throw new Error('dropped before its start');
    if (this.closed || job.finished) return;
    const { task } = job;
    const { setup } = this.deps;
    const { memoryMiB } = task.spec.resources;
    const version = setup.cgroupVersion;
    const cgroup = version ? createTaskCgroup(version, task.id, { memoryMiB }) : undefined;
    if (memoryMiB !== undefined && !cgroup?.memoryDir) return this.fallBack(job, launchNumber);
    Object.assign(job, { cgroup, memoryBy: memoryMiB === undefined ? 'none' : 'cgroup' });
    const { identity } = setup.identityOf(task);
    const start = directStartOf(task, setup.dirsOf(task.id), launchNumber, identity, cgroup);
    const onExit = (_pid: number, told?: ToldExit): void => this.finish(job, told);
    const started = await this.startVia(start, onExit, successor);
    if (successor) this.successors.hold(successor);
    if (started === 'supervisor') return this.fallBack(job, launchNumber);
    if (job.pid < 0) job.pid = started.pid;
    job.launcher = started.launcher;
    job.launcherStart = started.launcherStart ?? processStartTime(started.launcher);
    this.reportRunning(job);
  }

  /** Now, or as a successor (unless it was given its place before it was sent). */
  private startVia(
    start: DirectStart,
    onExit: (pid: number, told?: ToldExit) => void,
    successor: Successor | undefined,
  ): Promise<DirectStarted> {
    if (!successor || successor.held) return this.launcher.launchDirect(start, onExit);
    const handed = this.launcher.handOver(start, onExit);
    successor.id = handed.id;
    return handed.started;
  }

  private async fallBack(job: RunningJob, launchNumber: number): Promise<void> {
    await this.deps.setup.makeDirs(job.task);
    await this.startSupervisor(job, launchNumber);
  }

  private async startSupervisor(job: RunningJob, launchNumber: number): Promise<void> {
    if (this.closed || job.finished) return;
    const { task } = job;
    const { setup, capacity } = this.deps;
    const dirs = setup.dirsOf(task.id);
    const { identity, problem } = setup.identityOf(task);
    if (problem) throw new Error(problem);
    const prepared = prepareHostLaunch(task, dirs, launchNumber, {
      cgroupVersion: setup.cgroupVersion,
      cpuSet: capacity.cpuSet,
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
    job.pid = await this.launcher.launch(request, (pid) => {
      job.pid = pid;
      this.finish(job);
    });
    keepScriptCopy(dirs.markersDir, launchNumber, prepared.script);
    this.reportRunning(job);
  }

  private reportRunning(job: RunningJob): void {
    // A very short task may have ended (and been recorded) before its start was heard of.
    if (job.finished) return;
    this.deps.context.report(job.task.id, {
      state: 'RUNNING',
      description: 'running',
      started: new Date().toISOString(),
    });
  }

  /** True while the job's supervisor — or, started directly, its launcher with no exit yet — lives. */
  isAlive(job: RunningJob): boolean {
    if (job.launcher === undefined) return isSupervisorAlive(job.pid, job.marker);
    if (existsSync(join(this.deps.setup.dirsOf(job.task.id).markersDir, 'exit'))) return false;
    return isSupervisorAlive(job.launcher, LAUNCHER_MARKER, job.launcherStart);
  }

  /** Finishes every job whose supervisor (or launcher) is gone: ends the exit events missed. */
  checkAll(): void {
    for (const job of [...this.deps.capacity.running.values()]) {
      if (job.finished || job.inContainers) continue;
      if (job.pid < 0 && job.launcher === undefined) continue;
      if (!this.isAlive(job)) this.finish(job);
    }
  }

  /** The supervisor is gone (or the launcher told the end): clean up and report how it ended. */
  finish(job: RunningJob, told?: ToldExit): void {
    if (told?.next !== undefined) this.successors.startsInPlace(told.next);
    const { spec } = job.task;
    const report = readOutcome({
      taskDir: this.deps.setup.dirsOf(job.task.id).markersDir,
      executorCount: spec.executors.length,
      oomKilled: wasOomKilled(job.cgroup),
      memoryMiB: spec.resources.memoryMiB,
      cputimeSec: spec.resources.cputimeSec,
      memoryBy: job.memoryBy,
      ...(told ? { told } : {}),
    });
    if (report.state === 'SYSTEM_ERROR' && job.launcher !== undefined) {
      report.description = 'the launcher that reaps the task ended before it; the task was killed';
      report.systemLog = `launcher pid ${job.launcher} gone and no exit marker was written (killed?); the task's processes and cgroup were killed`;
    }
    this.finishWith(job, report, told !== undefined);
  }

  /**
   * Ends the job: leftovers killed, its cores and memory given back. `soon`: the cgroup's removal
   * and the report wait until the next task's start is on its way (queued first by `freed`).
   */
  private finishWith(job: RunningJob, report: JobReport, soon = false): void {
    // Once closed, ends are left for the next server to find (it reads the marker files).
    if (job.finished || this.closed) return;
    job.finished = true;
    // A task's leftovers (background children) end with it, as under a batch scheduler. Most
    // tasks leave none: their cgroups are removed at once, with nothing to read or kill.
    const cgroup = removeIfEmpty(job.cgroup);
    const left = cgroupPids(cgroup);
    // An empty cgroup held every process of the task: then no group is left to signal either.
    if (job.pid > 0 && (cgroup || !job.cgroup)) signalAll(job.pid, left, 'SIGKILL');
    killCgroup(cgroup, left);
    this.deps.capacity.release(job);
    this.deps.setup.forget(job.task.id);
    this.deps.freed();
    const rest = (): void => {
      removeTaskCgroupSoon(cgroup);
      if (soon && this.closed) return; // The next server reads the end from the markers.
      this.deps.context.report(job.task.id, report);
    };
    if (soon) setImmediate(rest);
    else rest();
  }

  async stop(job: RunningJob): Promise<void> {
    const { killGrace } = this.deps.options;
    await stopProcessTree(job.pid, () => cgroupPids(job.cgroup), killGrace);
    // What is left in the cgroup (a child that left the session and ignores SIGTERM, say).
    killCgroup(job.cgroup);
    this.finish(job);
  }

  /** Tasks keep running: a restarted server re-attaches to them. */
  close(): void {
    this.closed = true;
    this.launcher.close();
  }
}

export function systemError(description: string): JobReport {
  return {
    state: 'SYSTEM_ERROR',
    description,
    systemLog: description,
    ended: new Date().toISOString(),
  };
}
