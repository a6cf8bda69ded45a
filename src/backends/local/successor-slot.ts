/**
 * Successors: with every core taken by direct tasks, the head of the queue is handed to the
 * native launcher ahead (Launcher.handOver), to start the moment one of its direct tasks ends —
 * no hop through the server between two tasks of a full machine. The rules that keep this safe:
 * one successor at a time, only one that fits in the place of any running direct task (so the
 * launcher needs no accounting), holding no cores until the server sees a place free for it, and
 * nothing queued after it starting before it. docs/local.md, "Successors".
 */
import type { TaskRecord } from '../../model/task.js';
import type { Capacity } from './capacity.js';
import type { TaskLauncher } from './launcher.js';
import type { RunningJob, StartingTask } from './local-jobs.js';
import type { TaskSetup } from './task-setup.js';

/** A successor; `held`: it holds its cores and memory (a place was free for it). */
export interface Successor {
  job: RunningJob;
  /** The launcher's id of the hand-over, once sent. */
  id?: number;
  held: boolean;
  dropping: boolean;
  /** The launcher starts it in the place of a task that just ended: no release is needed. */
  startedInPlace?: boolean;
}

export interface SuccessorDeps {
  capacity: Capacity;
  setup: TaskSetup;
  launcher: TaskLauncher;
  newJob(task: TaskRecord, launchNumber: number): RunningJob;
  /** Starts the job directly, as this successor (HostJobs.startDirectly). */
  start(job: RunningJob, launchNumber: number, successor: Successor): Promise<void>;
  /** Ends a job that held its place with SYSTEM_ERROR for `reason`. */
  fail(job: RunningJob, reason: string): void;
  /** Its launcher was lost before it was known to start: recovered as after a restart. */
  lostBeforeStart(task: TaskRecord): void;
}

export class SuccessorSlot {
  /** The one successor not yet holding its place, if any. */
  private waiting: Successor | undefined;

  constructor(private readonly deps: SuccessorDeps) {}

  /** Hands `head`, which does not fit now, to the launcher, if the rules allow: true if so. */
  handOver(head: StartingTask): boolean {
    const { setup, capacity, launcher } = this.deps;
    if (this.waiting || !launcher.takesSuccessors) return false;
    const direct = [...capacity.running.values()].filter((running) => running.direct);
    if (direct.length === 0) return false;
    if (direct.some((d) => d.cores < head.cores || d.memoryMiB < head.memoryMiB)) return false;
    // A memory limit may still send it to the supervisor at its start: that one starts now.
    if (head.task.spec.resources.memoryMiB !== undefined || !setup.isDirect(head.task)) {
      return false;
    }
    const job = this.deps.newJob(head.task, head.launch);
    job.direct = true;
    const successor: Successor = { job, held: false, dropping: false };
    this.waiting = successor;
    job.starting = (head.dirReady ?? setup.prepareDirs(head.task))
      .then(() => this.deps.start(job, head.launch, successor))
      .catch((error: Error) => this.failed(successor, error));
    return true;
  }

  /**
   * Gives the successor its place once one is free (a task ended: the launcher started it there
   * already, or starts it now). False while it waits: nothing after it may start before it.
   */
  place(): boolean {
    const successor = this.waiting;
    if (!successor) return true;
    const { job } = successor;
    if (!this.deps.capacity.fits(job.cores, job.memoryMiB)) return false;
    this.hold(successor);
    if (successor.id !== undefined && !successor.startedInPlace) {
      this.deps.launcher.release(successor.id);
    }
    return true;
  }

  /** The launcher said it starts hand-over `id` in the place of a task that just ended. */
  startsInPlace(id: number): void {
    if (this.waiting?.id === id) this.waiting.startedInPlace = true;
  }

  /** 1 while a successor waits for its place, else 0. */
  waitingCount(): number {
    return this.waiting ? 1 : 0;
  }

  /** The successor holds its cores and memory from now on. */
  hold(successor: Successor): void {
    if (successor.held) return;
    this.deps.capacity.reserve(successor.job);
    successor.held = true;
    if (this.waiting === successor) this.waiting = undefined;
  }

  /** Drops the successor of task `id` if it has not started: true when it never will. */
  async drop(id: string): Promise<boolean> {
    const successor = this.waiting;
    if (!successor || successor.job.task.id !== id) return false;
    successor.dropping = true;
    if (successor.id !== undefined) this.deps.launcher.drop(successor.id);
    await successor.job.starting;
    return successor.job.pid < 0 && !successor.held;
  }

  private failed(successor: Successor, error: Error): void {
    const { job } = successor;
    if (this.waiting === successor) this.waiting = undefined;
    if (successor.held) return this.deps.fail(job, `could not start: ${error.message}`);
    job.finished = true;
    // Dropped, or its launcher gone before it was seen to start: did it run? The claims say.
    if (!successor.dropping) this.deps.lostBeforeStart(job.task);
  }
}
