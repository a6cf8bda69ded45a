import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdentityRecords } from '../store/store.js';
import { IdentityPool, parseUidRange } from './identity-pool.js';

function memoryRecords(): IdentityRecords & { rows: Map<string, number> } {
  const rows = new Map<string, number>();
  return {
    rows,
    uidOf: (owner) => rows.get(owner),
    isAssigned: (uid) => [...rows.values()].includes(uid),
    highestIn: (first, last) => {
      const inside = [...rows.values()].filter((uid) => uid >= first && uid <= last);
      return inside.length ? Math.max(...inside) : undefined;
    },
    assign: (owner, uid) => {
      if (rows.has(owner) || [...rows.values()].includes(uid)) return false;
      rows.set(owner, uid);
      return true;
    },
  };
}

test('parseUidRange: a range of non-root uids, or the reason', () => {
  assert.deepEqual(parseUidRange('61000-61999'), { first: 61000, last: 61999 });
  assert.deepEqual(parseUidRange(' 5 - 5 '), { first: 5, last: 5 });
  assert.match((parseUidRange('0-10') as { problem: string }).problem, /uid 0 is root/);
  assert.match((parseUidRange('10-5') as { problem: string }).problem, /below/);
  assert.match((parseUidRange('abc') as { problem: string }).problem, /FIRST-LAST/);
  assert.match((parseUidRange('1-4294967295') as { problem: string }).problem, /highest uid/);
});

test('each owner gets its own uid, the same one every time', () => {
  const pool = new IdentityPool({ first: 100, last: 199 }, memoryRecords(), () => false);
  const alice = pool.uidFor('alice');
  const bob = pool.uidFor('bob');
  assert.equal(alice, 100);
  assert.equal(bob, 101);
  assert.equal(pool.uidFor('alice'), 100);
  assert.equal(pool.uidFor('bob'), 101);
});

test('a uid that belongs to an account of this machine is skipped', () => {
  const pool = new IdentityPool({ first: 100, last: 199 }, memoryRecords(), (uid) => uid === 100);
  assert.equal(pool.uidFor('alice'), 101);
});

test('a used-up range is a problem naming the key, never a shared uid', () => {
  const records = memoryRecords();
  const pool = new IdentityPool({ first: 100, last: 101 }, records, () => false);
  assert.equal(pool.uidFor('a'), 100);
  assert.equal(pool.uidFor('b'), 101);
  const third = pool.uidFor('c');
  assert.equal(typeof third, 'object');
  assert.match((third as { problem: string }).problem, /local\.uidRange/);
  assert.equal(new Set(records.rows.values()).size, records.rows.size);
});

test('a free uid below the highest is found after the end of the range', () => {
  const records = memoryRecords();
  records.rows.set('old', 101);
  const pool = new IdentityPool({ first: 100, last: 101 }, records, () => false);
  assert.equal(pool.uidFor('new'), 100);
});

test('an owner assigned by someone else meanwhile keeps that uid', () => {
  const records = memoryRecords();
  const racing: IdentityRecords = {
    ...records,
    assign: (owner, uid) => {
      records.rows.set(owner, uid + 50); // another writer got there first
      return false;
    },
  };
  const pool = new IdentityPool({ first: 100, last: 199 }, racing, () => false);
  assert.equal(pool.uidFor('alice'), 150);
});

test('a uid read once is remembered: the store is asked once per owner, the answer the same', () => {
  const records = memoryRecords();
  let reads = 0;
  const counting = { ...records, uidOf: (owner: string) => (reads++, records.uidOf(owner)) };
  const pool = new IdentityPool({ first: 100, last: 199 }, counting, () => false);
  const alice = pool.uidFor('alice');
  const before = reads;
  for (let i = 0; i < 5; i++) assert.equal(pool.uidFor('alice'), alice);
  assert.equal(reads, before, 'no store read for an owner already known');
  records.rows.set('carol', 150); // Given by an earlier server: read from the store once.
  assert.equal(pool.uidFor('carol'), 150);
  assert.equal(pool.uidFor('carol'), 150);
  assert.notEqual(pool.uidFor('bob'), alice, 'two owners never share a uid');
});
