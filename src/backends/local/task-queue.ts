/**
 * The local framework's waiting line: small records in submit order (seq), only the head ever
 * started. A record holds what deciding needs — cores, memory, the launch number — and the task's
 * whole record only while it is among the first HELD_RECORDS: the rest are read back from the
 * store (`load`) as they come near the head, so a long held queue costs a few dozen bytes a task.
 */
import type { TaskRecord } from '../../model/task.js';
import type { QueuedTask, StartingTask } from './local-jobs.js';

/** Records kept in memory at the head of the queue (prepared ahead, started next). */
export const HELD_RECORDS = 64;

/** Reads a task's record back; undefined when it is gone (deleted meanwhile). */
export type LoadTask = (id: string) => TaskRecord | undefined;

/**
 * The queue's own record of a task: always the same fields in the same order, so that V8 keeps
 * one compact shape for all of them (~80 bytes). Deleting a field instead (`delete queued.task`)
 * turns each object into a hash table of ~450 bytes.
 */
function smallRecord(entry: StartingTask, held: boolean): QueuedTask {
  return {
    id: entry.id,
    seq: entry.seq,
    cores: entry.cores,
    memoryMiB: entry.memoryMiB,
    launch: entry.launch,
    task: held ? entry.task : undefined,
    dirReady: entry.dirReady,
  };
}

export class TaskQueue {
  private readonly waiting: QueuedTask[] = [];

  /** Without `load` (no store at hand) every record stays in memory. */
  constructor(private readonly load?: LoadTask) {}

  get length(): number {
    return this.waiting.length;
  }

  /** Keeps submit order (a new task almost always goes last, so look from the end). */
  add(entry: StartingTask): void {
    let at = this.waiting.length;
    while (at > 0 && this.waiting[at - 1]!.seq > entry.seq) at--;
    this.waiting.splice(at, 0, smallRecord(entry, !this.load || at < HELD_RECORDS));
  }

  /** The head, its record read back if need be; a task gone from the store is dropped. */
  head(): StartingTask | undefined {
    return this.first(1)[0];
  }

  shift(): QueuedTask | undefined {
    return this.waiting.shift();
  }

  /**
   * The first `count` waiting with their records, to prepare ahead. A store that fails to read
   * one ends the list there (nothing is dropped; the next start tries again).
   */
  first(count: number): StartingTask[] {
    const ready: StartingTask[] = [];
    for (let at = 0; at < this.waiting.length && ready.length < count;) {
      const queued = this.waiting[at]!;
      try {
        queued.task ??= this.load?.(queued.id);
      } catch {
        break;
      }
      if (queued.task) {
        ready.push(queued as StartingTask);
        at++;
      } else this.waiting.splice(at, 1);
    }
    return ready;
  }

  remove(taskId: string): void {
    const index = this.waiting.findIndex((queued) => queued.id === taskId);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  clear(): void {
    this.waiting.length = 0;
  }
}
