/** What the local framework holds: cores, memory and CPUs taken by running tasks, and the tasks. */
import type { FrameworkCapacity } from '../backend.js';
import { CpuSet } from './cpu-set.js';
import type { RunningJob } from './local-jobs.js';

export class Capacity {
  readonly cpuSet = new CpuSet();
  readonly running = new Map<string, RunningJob>();
  private freeCores: number;
  private freeMemory: number;

  constructor(
    private readonly cores: number,
    private readonly memory: number,
  ) {
    this.freeCores = cores;
    this.freeMemory = memory;
  }

  /** True when a task of `cores` (capped at the total) and `memoryMiB` fits now. */
  fits(cores: number, memoryMiB: number): boolean {
    return Math.min(cores, this.cores) <= this.freeCores + 1e-9 && memoryMiB <= this.freeMemory;
  }

  reserve(job: RunningJob): void {
    this.freeCores -= Math.min(job.cores, this.cores);
    this.freeMemory -= job.memoryMiB;
    this.running.set(job.task.id, job);
  }

  release(job: RunningJob): void {
    this.freeCores += Math.min(job.cores, this.cores);
    this.freeMemory += job.memoryMiB;
    this.cpuSet.release(job.cpus);
    this.running.delete(job.task.id);
  }

  usage(queued: number): FrameworkCapacity {
    return {
      cores: { used: this.cores - this.freeCores, total: this.cores },
      memoryMiB: { used: this.memory - this.freeMemory, total: this.memory },
      running: this.running.size,
      queued,
    };
  }
}
