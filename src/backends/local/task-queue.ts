/**
 * The local framework's waiting line, in submit order (seq); only the head is ever started. The
 * first HELD_RECORDS tasks are held whole (record, cores, memory: what starting them needs); the
 * rest are only a seq and a launch number each (seq-queue.ts, 12 bytes), read back from the store
 * (`load`) as they come near the head — so a queue of a million fits in a few megabytes.
 */
import type { TaskRecord } from '../../model/task.js';
import type { QueuedTask, StartingTask } from './local-jobs.js';
import { SeqQueue } from './seq-queue.js';

/** Records kept in memory at the head of the queue (prepared ahead, started next). */
export const HELD_RECORDS = 64;

/** Reads the record of the task with this seq back; undefined when it is gone (deleted). */
export type LoadTask = (seq: number) => TaskRecord | undefined;

/** What the framework decides on, worked out again for a record read back. */
export type SizeTask = (task: TaskRecord) => { cores: number; memoryMiB: number };

/** The head's own record: always the same fields in the same order (one compact V8 shape). */
function heldRecord(entry: StartingTask): StartingTask {
  return {
    id: entry.id,
    seq: entry.seq,
    cores: entry.cores,
    memoryMiB: entry.memoryMiB,
    launch: entry.launch,
    task: entry.task,
    dirReady: entry.dirReady,
  };
}

export class TaskQueue {
  /** The head, in seq order, with whole records. */
  private readonly held: StartingTask[] = [];
  /** The rest, in seq order, after every held task. */
  private readonly far = new SeqQueue();

  /** Without `load` (no store at hand) every record stays in memory. */
  constructor(
    private readonly load?: LoadTask,
    private readonly size?: SizeTask,
  ) {}

  get length(): number {
    return this.held.length + this.far.length;
  }

  /** Keeps submit order (a new task almost always goes last). */
  add(entry: StartingTask): void {
    if (this.belongsToHead(entry.seq)) this.addHeld(heldRecord(entry));
    else this.far.add(entry.seq, entry.launch);
  }

  /** The head; a task gone from the store is dropped. */
  head(): StartingTask | undefined {
    return this.first(1)[0];
  }

  shift(): QueuedTask | undefined {
    if (this.held.length === 0) this.first(1);
    return this.held.shift();
  }

  /**
   * The first `count` waiting, read back if need be, to prepare ahead. A store that fails to read
   * one ends the list there (nothing is dropped; the next start tries again).
   */
  first(count: number): StartingTask[] {
    const ready = this.held.slice(0, count);
    while (ready.length < count && this.far.length > 0) {
      const next = this.readBackHead();
      if (next === 'failed') break;
      if (next) ready.push(next);
    }
    return ready;
  }

  remove(task: { id: string; seq: number }): void {
    const index = this.held.findIndex((queued) => queued.id === task.id);
    if (index >= 0) this.held.splice(index, 1);
    else this.far.remove(task.seq);
  }

  clear(): void {
    this.held.length = 0;
    this.far.clear();
  }

  /** Whether a task with this seq is held whole: near the head, or before a task held already. */
  private belongsToHead(seq: number): boolean {
    if (!this.load || !this.size) return true;
    const farFirst = this.far.firstSeq();
    if (farFirst !== undefined) return seq < farFirst;
    const last = this.held.at(-1);
    return this.held.length < HELD_RECORDS || (last !== undefined && seq < last.seq);
  }

  private addHeld(entry: StartingTask): void {
    let at = this.held.length;
    while (at > 0 && this.held[at - 1]!.seq > entry.seq) at--;
    this.held.splice(at, 0, entry);
  }

  /** Moves the first far task to the end of the held ones, with its record read back. */
  private readBackHead(): StartingTask | 'failed' | undefined {
    const seq = this.far.firstSeq()!;
    const launch = this.far.firstLaunch()!;
    let task: TaskRecord | undefined;
    try {
      task = this.load!(seq);
    } catch {
      return 'failed';
    }
    this.far.shift();
    if (!task) return undefined;
    const entry = heldRecord({ id: task.id, seq, launch, ...this.size!(task), task });
    this.held.push(entry);
    return entry;
  }
}
