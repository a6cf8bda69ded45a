import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TaskRecord } from '../../model/task.js';
import { HELD_RECORDS, TaskQueue } from './task-queue.js';

/** Only the fields the queue reads; the rest of a record does not matter here. */
function record(seq: number): TaskRecord {
  return { id: `t${seq}`, seq } as unknown as TaskRecord;
}

function entry(task: TaskRecord) {
  return { id: task.id, seq: task.seq, cores: 1, memoryMiB: 0, launch: 1, task };
}

function storeOf(count: number): Map<string, TaskRecord> {
  return new Map(Array.from({ length: count }, (_, at) => [`t${at}`, record(at)]));
}

test('only the head of a long queue keeps whole records; the rest are read back in order', () => {
  const store = storeOf(HELD_RECORDS * 3);
  let reads = 0;
  const queue = new TaskQueue((id) => (reads++, store.get(id)));
  for (const task of store.values()) queue.add(entry(task));
  const held = (queue as unknown as { waiting: { task?: TaskRecord }[] }).waiting;
  assert.equal(held.filter((queued) => queued.task).length, HELD_RECORDS);
  const order: number[] = [];
  for (let head = queue.head(); head; head = queue.head()) {
    order.push(head.task.seq);
    queue.shift();
  }
  assert.deepEqual(
    order,
    [...store.values()].map((task) => task.seq),
  );
  assert.equal(reads, HELD_RECORDS * 2);
});

test('a task gone from the store is dropped; a failing read drops nothing and ends the list', () => {
  const store = storeOf(HELD_RECORDS + 3);
  let failing = false;
  const queue = new TaskQueue((id) => {
    if (failing) throw new Error('SQLITE_IOERR');
    return store.get(id);
  });
  for (const task of store.values()) queue.add(entry(task));
  for (let seq = 0; seq < HELD_RECORDS; seq++) queue.remove(`t${seq}`);
  store.delete(`t${HELD_RECORDS}`);
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

test('a queued task beyond the head costs well under 200 bytes of heap', () => {
  const count = 20_000;
  const records = Array.from({ length: count }, (_, seq) => record(seq));
  const queue = new TaskQueue((id) => records[Number(id.slice(1))]);
  collectGarbage();
  const before = getHeapStatistics().used_heap_size;
  // Each entry is garbage once added: only what the queue keeps of it counts.
  for (const task of records) queue.add(entry(task));
  collectGarbage();
  const perTask = (getHeapStatistics().used_heap_size - before) / count;
  assert.equal(queue.length, count);
  // An object V8 keeps in its compact shape is ~80 bytes here; one turned into a hash table
  // (a deleted field) is ~500.
  assert.ok(perTask < 150, `${perTask.toFixed(0)} bytes of heap per queued task`);
});
