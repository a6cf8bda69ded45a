import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedPrefixOf, isWithin, pathsOverlap } from './path-overlap.js';

test('isWithin: the path itself and paths below, not siblings sharing a prefix', () => {
  assert.equal(isWithin('/srv/jp', '/srv/jp'), true);
  assert.equal(isWithin('/srv/jp/work/x', '/srv/jp'), true);
  assert.equal(isWithin('/srv/jp/', '/srv/jp'), true);
  assert.equal(isWithin('/srv/jpx', '/srv/jp'), false);
  assert.equal(isWithin('/srv', '/srv/jp'), false);
  assert.equal(isWithin('/anything', '/'), true);
  assert.equal(isWithin('/srv/a/../jp/db', '/srv/jp'), true);
});

test('pathsOverlap: either direction', () => {
  assert.equal(pathsOverlap('/d/x', '/d/x'), true);
  assert.equal(pathsOverlap('/d', '/d/x'), true);
  assert.equal(pathsOverlap('/d/x', '/d'), true);
  assert.equal(pathsOverlap('/d/x', '/d/y'), false);
  assert.equal(pathsOverlap('/d/x', '/d/xy'), false);
});

test('fixedPrefixOf: the part of a {user} root every owner shares', () => {
  assert.equal(fixedPrefixOf('/data/{user}/jobs'), '/data');
  assert.equal(fixedPrefixOf('/home/{user}'), '/home');
  assert.equal(fixedPrefixOf('/data/u-{user}'), '/data');
  assert.equal(fixedPrefixOf('/{user}'), '/');
  assert.equal(fixedPrefixOf('/srv/jp'), '/srv/jp');
});
