import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TaskRecord } from '../../model/task.js';
import { HELD_RECORDS, TaskQueue, type LoadTask } from './task-queue.js';

/** Only the fields the queue reads; the rest of a record does not matter here. */
function record(seq: number): TaskRecord {
  return { id: `t${seq}`, seq } as unknown as TaskRecord;
}

function entry(task: TaskRecord, launch = 1) {
  return { id: task.id, seq: task.seq, cores: 1, memoryMiB: 0, launch, task };
}

function storeOf(count: number): Map<number, TaskRecord> {
  return new Map(Array.from({ length: count }, (_, seq) => [seq, record(seq)]));
}

const sizeOf = () => ({ cores: 1, memoryMiB: 0 });

function queueOn(load: LoadTask): TaskQueue {
  return new TaskQueue(load, sizeOf);
}

/** Starts every task in turn, as the framework does; returns their seqs and launch numbers. */
function drain(queue: TaskQueue): [number, number][] {
  const order: [number, number][] = [];
  for (let head = queue.head(); head; head = queue.head()) {
    order.push([head.task.seq, head.launch]);
    queue.shift();
  }
  return order;
}

test('only the head of a long queue keeps whole records; the rest are read back in order', () => {
  const store = storeOf(HELD_RECORDS * 3);
  let reads = 0;
  const queue = queueOn((seq) => (reads++, store.get(seq)));
  for (const task of store.values()) queue.add(entry(task));
  const held = (queue as unknown as { held: unknown[] }).held;
  assert.equal(held.length, HELD_RECORDS);
  assert.equal(queue.length, HELD_RECORDS * 3);
  assert.deepEqual(
    drain(queue).map(([seq]) => seq),
    [...store.keys()],
  );
  assert.equal(reads, HELD_RECORDS * 2);
});

test('order and launch numbers are kept for tasks added out of order, held or not', () => {
  const store = storeOf(HELD_RECORDS * 2 + 10);
  const queue = queueOn((seq) => store.get(seq));
  const seqs = [...store.keys()];
  const late = [5, HELD_RECORDS + 3, HELD_RECORDS * 2 + 1];
  for (const seq of seqs) if (!late.includes(seq)) queue.add(entry(store.get(seq)!));
  for (const seq of late) queue.add(entry(store.get(seq)!, 7));
  assert.deepEqual(
    drain(queue),
    seqs.map((seq) => [seq, late.includes(seq) ? 7 : 1]),
  );
});

test('a task gone from the store is dropped; a failing read drops nothing and ends the list', () => {
  const store = storeOf(HELD_RECORDS + 3);
  let failing = false;
  const queue = queueOn((seq) => {
    if (failing) throw new Error('SQLITE_IOERR');
    return store.get(seq);
  });
  for (const task of store.values()) queue.add(entry(task));
  for (let seq = 0; seq < HELD_RECORDS; seq++) queue.remove(record(seq));
  store.delete(HELD_RECORDS);
  failing = true;
  assert.deepEqual(queue.first(3), []);
  assert.equal(queue.length, 3);
  failing = false;
  assert.deepEqual(
    queue.first(3).map((queued) => queued.id),
    [`t${HELD_RECORDS + 1}`, `t${HELD_RECORDS + 2}`],
  );
  assert.equal(queue.length, 2);
});

test('a removed task beyond the head is never read back', () => {
  const store = storeOf(HELD_RECORDS + 5);
  const read: number[] = [];
  const queue = queueOn((seq) => (read.push(seq), store.get(seq)));
  for (const task of store.values()) queue.add(entry(task));
  queue.remove(record(HELD_RECORDS + 2));
  assert.equal(queue.length, HELD_RECORDS + 4);
  assert.ok(!drain(queue).some(([seq]) => seq === HELD_RECORDS + 2));
  assert.ok(!read.includes(HELD_RECORDS + 2));
});

test('without a store every record stays, and submit order (seq) is kept', () => {
  const queue = new TaskQueue();
  for (const seq of [3, 1, 2]) queue.add(entry(record(seq)));
  assert.deepEqual(
    queue.first(5).map((queued) => queued.task.seq),
    [1, 2, 3],
  );
});

/** A full garbage collection, without running the test process with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Bytes of memory (V8 heap and array buffers) that `grow` leaves behind, after a GC. */
function retainedBy(grow: () => void): number {
  const used = () => getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
  collectGarbage();
  const before = used();
  grow();
  collectGarbage();
  return used() - before;
}

test('a queued task beyond the head costs a few dozen bytes at most', () => {
  const count = 50_000;
  const records = Array.from({ length: count }, (_, seq) => record(seq));
  const queue = queueOn((seq) => records[seq]);
  // Each entry is garbage once added: only what the queue keeps of it counts.
  const perTask = retainedBy(() => records.forEach((task) => queue.add(entry(task)))) / count;
  assert.equal(queue.length, count);
  // 12 bytes in typed arrays, twice that just after they doubled; an object per task would be
  // ~80 bytes, and one turned into a hash table (a deleted field) ~500.
  assert.ok(perTask < 40, `${perTask.toFixed(0)} bytes per queued task`);
});
