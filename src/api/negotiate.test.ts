import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate } from './negotiate.js';

const SUBMIT = ['text/plain', 'application/json', 'application/xml', 'text/xml'];
const STATE = ['application/json', 'application/xml', 'text/xml'];

test('no Accept, or an empty one, gets the first offer', () => {
  assert.equal(negotiate(undefined, SUBMIT), 'text/plain');
  assert.equal(negotiate('', STATE), 'application/json');
  assert.equal(negotiate('   ', STATE), 'application/json');
});

test('a wildcard alone gets the first offer', () => {
  assert.equal(negotiate('*/*', SUBMIT), 'text/plain');
  assert.equal(negotiate('*/*', STATE), 'application/json');
});

test('an exact type is chosen', () => {
  assert.equal(negotiate('application/json', SUBMIT), 'application/json');
  assert.equal(negotiate('application/xml', STATE), 'application/xml');
  assert.equal(negotiate('text/xml', STATE), 'text/xml');
});

test('parameters and case do not matter', () => {
  assert.equal(negotiate('Application/XML; charset=utf-8', STATE), 'application/xml');
});

test('q values rank the types', () => {
  assert.equal(
    negotiate('application/json;q=0.5, application/xml;q=0.9', STATE),
    'application/xml',
  );
  assert.equal(negotiate('application/xml;q=0.1, */*;q=0.8', STATE), 'application/json');
});

test('a specific type beats a wildcard of the same q', () => {
  assert.equal(negotiate('*/*, application/xml', STATE), 'application/xml');
  assert.equal(negotiate('text/*, application/json', SUBMIT), 'application/json');
});

test('equal preference keeps the order the client wrote', () => {
  assert.equal(negotiate('application/xml, application/json', STATE), 'application/xml');
});

test('a type wildcard matches only its type', () => {
  assert.equal(negotiate('text/*', STATE), 'text/xml');
  assert.equal(negotiate('application/*', SUBMIT), 'application/json');
});

test('q=0 refuses a type', () => {
  assert.equal(negotiate('application/json;q=0, application/xml', STATE), 'application/xml');
  assert.equal(negotiate('application/json;q=0', STATE), undefined);
});

test('nothing acceptable is undefined (the route answers 406)', () => {
  assert.equal(negotiate('image/png', STATE), undefined);
  assert.equal(negotiate('text/html, image/*', STATE), undefined);
  assert.equal(negotiate('garbage', STATE), undefined);
});

test('a malformed q counts as refused, not as preferred', () => {
  assert.equal(negotiate('application/json;q=abc, application/xml', STATE), 'application/xml');
});
