/**
 * The local framework's waiting line: small records in submit order (seq), only the head ever
 * started. A record holds what deciding needs — cores, memory, the launch number — beside the
 * task the service handed over.
 */
import type { TaskRecord } from '../../model/task.js';
import type { QueuedTask } from './local-jobs.js';

export class TaskQueue {
  private readonly waiting: QueuedTask[] = [];

  get length(): number {
    return this.waiting.length;
  }

  /** Keeps submit order (a new task almost always goes last, so look from the end). */
  add(task: TaskRecord, launch = 1): void {
    let at = this.waiting.length;
    while (at > 0 && this.waiting[at - 1]!.task.seq > task.seq) at--;
    this.waiting.splice(at, 0, { task, launch });
  }

  head(): QueuedTask | undefined {
    return this.waiting[0];
  }

  shift(): QueuedTask | undefined {
    return this.waiting.shift();
  }

  /** The first `count` waiting, to prepare ahead. */
  first(count: number): QueuedTask[] {
    return this.waiting.slice(0, count);
  }

  remove(taskId: string): void {
    const index = this.waiting.findIndex((queued) => queued.task.id === taskId);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  clear(): void {
    this.waiting.length = 0;
  }
}
