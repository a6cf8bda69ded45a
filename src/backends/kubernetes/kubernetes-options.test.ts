import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeSelector, parseUidRange, readKubernetesSettings } from './kubernetes-options.js';
import { OwnerUids } from './owner-uid.js';

test('defaults: namespace from the context, IfNotPresent, uids 61000-61999, tools image = default image', () => {
  const settings = readKubernetesSettings({});
  assert.equal(settings.namespace, '');
  assert.equal(settings.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(settings.uidRange, [61000, 61999]);
  assert.equal(settings.toolsImage, settings.defaultImage);
});

test('bad options are refused naming the option', () => {
  assert.throws(
    () => readKubernetesSettings({ imagePullPolicy: 'Sometimes' }),
    /kubernetes\.imagePullPolicy/,
  );
  assert.throws(() => parseUidRange('0-10'), /kubernetes\.uidRange/);
  assert.throws(() => parseUidRange('20-10'), /kubernetes\.uidRange/);
  assert.throws(() => parseNodeSelector('novalue'), /kubernetes\.nodeSelector/);
  assert.throws(() => readKubernetesSettings({ tolerations: '{}' }), /kubernetes\.tolerations/);
});

test('owners get stable, distinct, non-root uids inside the range', () => {
  const uids = new OwnerUids([61000, 61001]);
  const alice = uids.uidOf('alice');
  const bob = uids.uidOf('bob');
  assert.notEqual(alice, bob);
  assert.equal(uids.uidOf('alice'), alice);
  assert.equal(new OwnerUids([61000, 61001]).uidOf('alice'), alice, 'the same on another server');
  for (const uid of [alice, bob]) assert.ok(uid >= 61000 && uid <= 61001);
  assert.throws(() => uids.uidOf('carol'), /no uid left/);
});
