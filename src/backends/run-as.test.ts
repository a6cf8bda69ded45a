import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdentityRecords } from '../store/store.js';
import { IdentityPool } from './identity-pool.js';
import { resolveRunAs, type Machine, type UnixIdentity } from './run-as.js';

const ACCOUNTS: Record<string, UnixIdentity> = {
  root: { name: 'root', uid: 0, gid: 0, home: '/root' },
  toor: { name: 'toor', uid: 0, gid: 0, home: '/root' },
  alice: { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice' },
  nobody: { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' },
};
const AS_ROOT: Machine = { switching: true, lookup: (name) => ACCOUNTS[name] };

function emptyRecords(): IdentityRecords {
  const rows = new Map<string, number>();
  return {
    uidOf: (o) => rows.get(o),
    isAssigned: (u) => [...rows.values()].includes(u),
    highestIn: () => (rows.size ? Math.max(...rows.values()) : undefined),
    assign: (o, u) => (rows.has(o) ? false : (rows.set(o, u), true)),
  };
}

test('an owner that maps to uid 0, by any name or rule, is refused', () => {
  for (const options of [
    { runAs: 'owner', userMap: '' },
    { runAs: 'pool', userMap: 'root=toor' },
    { runAs: 'toor', userMap: '' },
  ]) {
    const result = resolveRunAs('root', options, undefined, AS_ROOT);
    assert.equal(result.identity, undefined, JSON.stringify(options));
    assert.match(result.problem ?? '', /root \(uid 0/);
  }
});

test('pool: each owner a uid of its own, with no groups; accounts through userMap first', () => {
  const pool = new IdentityPool({ first: 61000, last: 61009 }, emptyRecords(), () => false);
  const options = { runAs: 'pool', userMap: 'portal=alice' };
  const a = resolveRunAs('a', options, pool, AS_ROOT).identity!;
  const b = resolveRunAs('b', options, pool, AS_ROOT).identity!;
  assert.deepEqual([a.uid, a.gid, a.pooled], [61000, 61000, true]);
  assert.equal(b.uid, 61001);
  assert.equal(resolveRunAs('portal', options, pool, AS_ROOT).identity?.uid, 1001);
  assert.match(resolveRunAs('a', options, undefined, AS_ROOT).problem ?? '', /identity pool/);
});

test('runAs=root runs as the server, and a server that is not root ignores it all', () => {
  assert.deepEqual(resolveRunAs('a', { runAs: 'root', userMap: '' }, undefined, AS_ROOT), {});
  const notRoot: Machine = { switching: false, lookup: () => undefined };
  assert.deepEqual(resolveRunAs('a', { runAs: 'owner', userMap: '' }, undefined, notRoot), {});
});
