import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressGuard, parseRange } from './http-guard.js';

test('loopback, link-local and unspecified addresses are refused by default, others pass', () => {
  const refuse = addressGuard({ allow: [], maxBytes: 0 });
  for (const address of [
    '127.0.0.1',
    '127.9.9.9',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    'fe80::1',
    '::ffff:127.0.0.1',
  ]) {
    assert.match(refuse(address) ?? '', /loopback, link-local/, address);
  }
  for (const address of ['192.0.2.7', '10.1.2.3', '2001:db8::1']) {
    assert.equal(refuse(address), undefined, address);
  }
});

test('an allowed range lets its addresses through, and only those', () => {
  const refuse = addressGuard({ allow: ['127.0.0.1', 'fe80::/64'], maxBytes: 0 });
  assert.equal(refuse('127.0.0.1'), undefined);
  assert.equal(refuse('fe80::5'), undefined);
  assert.notEqual(refuse('127.0.0.2'), undefined);
});

test('parseRange: addresses and CIDR ranges, nothing else', () => {
  assert.deepEqual(parseRange('10.0.0.0/8'), ['10.0.0.0', 8, 'ipv4']);
  assert.deepEqual(parseRange('::1'), ['::1', 128, 'ipv6']);
  assert.equal(parseRange('10.0.0.0/33'), undefined);
  assert.equal(parseRange('example.org'), undefined);
});
