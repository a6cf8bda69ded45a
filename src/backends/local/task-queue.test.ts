import { test } from 'node:test';
import assert from 'node:assert/strict';
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
